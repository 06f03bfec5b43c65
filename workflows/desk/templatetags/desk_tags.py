from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def filter_options(choices, selected):
    """The ``<option>``s of a list filter's choices (the empty choice left out), ``selected``
    marked: one pass in Python, where a template loop costs about 0.15 ms an option and a
    department's 400 duty tables made 60 ms of every duty grid."""
    selected = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == selected else "", label)
            for value, label in choices
            if str(value) != ""
        ),
    )
