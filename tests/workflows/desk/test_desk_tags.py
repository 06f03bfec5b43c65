from django.template import Context, Template


def render(choices, selected):
    template = Template("{% load desk_tags %}{% filter_options choices selected %}")
    return template.render(Context({"choices": choices, "selected": selected}))


def test_options_leave_out_the_empty_choice_and_mark_the_selected_one():
    html = render([("", "全部"), (3, "2018年重点任务分解表"), (12, "第12号表")], "12")
    assert html == (
        '<option value="3">2018年重点任务分解表</option><option value="12" selected>第12号表</option>'
    )


def test_option_labels_are_escaped_and_nothing_is_selected_without_a_value():
    html = render([("a", "<b>某单位</b>")], None)
    assert html == '<option value="a">&lt;b&gt;某单位&lt;/b&gt;</option>'


def test_clip_cuts_long_cells_to_their_length_with_an_ellipsis():
    template = Template("{% load desk_tags %}[{{ text|clip:5 }}]")
    assert template.render(Context({"text": "构建一批低成本"})) == "[构建一批…]"
    assert template.render(Context({"text": "众创空间"})) == "[众创空间]"
    assert template.render(Context({"text": "<b>"})) == "[&lt;b&gt;]"  # still escaped
    assert template.render(Context({"text": None})) == "[]"
