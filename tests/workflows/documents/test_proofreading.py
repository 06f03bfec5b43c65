"""核稿 rules, one table per rule: (the letter's fields changed from the clean 277 letter, what is found)."""

import pytest

from tests.workflows.documents.letter_277 import letter_277
from workflows.documents import proofreading
from workflows.documents.letters import PROPOSAL

CLEAN = {
    "paragraphs": (
        "您提出的《关于在南通市组织社会大众聚力创新的建议》（第277号）收悉，经认真研究，现答复如下：",
        "一是列入计划逐步推进众创社区建设，2017年6月29日前印发方案（通政发〔2015〕37号）。",
        "二是支持“3+3+N”产业体系，AI-5G基站增加3.5倍。",
    ),
    "result_category": "B",
}


def letter(**changes):
    return letter_277(**{**CLEAN, **changes})


def found(rule, **changes):
    """(field, paragraph, excerpt) of each finding of ``rule`` on the changed letter."""
    return [(f.field, f.paragraph, f.excerpt) for f in rule(letter(**changes))]


def test_the_clean_letter_has_no_findings():
    assert proofreading.letter_proofread(letter()) == []


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (("经研究,现答复如下",), [("paragraphs", 0, "经研究,现答复如下")]),
        (("各县(市)区",), [("paragraphs", 0, "各县(市)区"), ("paragraphs", 0, "各县(市)区")]),
        (("现答复如下:", "感谢支持!"), [("paragraphs", 0, "现答复如下:"), ("paragraphs", 1, "感谢支持!")]),
        (("工作方案.",), [("paragraphs", 0, "工作方案.")]),
        (("增长3.5倍，AI, 5G and IoT。",), []),  # decimals and Latin text keep their marks
        (("1. 加强领导。",), []),
    ],
)
def test_halfwidth_punctuation_in_chinese_text(paragraphs, expected):
    assert found(proofreading.halfwidth_punctuation, paragraphs=paragraphs) == expected


def test_halfwidth_punctuation_gives_the_position_and_the_full_width_mark():
    [finding] = proofreading.halfwidth_punctuation(letter(paragraphs=("第一段。", "经研究,现答复")))
    assert (finding.paragraph, finding.offset) == (1, 3)
    assert finding.message == "中文文字中使用了半角“,”，应使用“，”。"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"document_number": "通科复〔2017〕12号"}, []),
        ({"document_number": ""}, []),  # drafts are numbered at release
        ({"document_number": "通科复[2017]12号"}, [("document_number", None, "通科复[2017]12号")]),
        ({"document_number": "通科复（2017）12号"}, [("document_number", None, "通科复（2017）12号")]),
        ({"document_number": "通科复【2017】12号"}, [("document_number", None, "通科复【2017】12号")]),
        ({"document_number": "通科复〔2017〕012号"}, [("document_number", None, "通科复〔2017〕012号")]),
        ({"document_number": "通科复〔2017〕第12号"}, [("document_number", None, "通科复〔2017〕第12号")]),
        ({"paragraphs": ("《意见》（通委发[2010]3号）",)}, [("paragraphs", 0, "通委发[2010]3号")]),
        ({"paragraphs": ("通政发(2015)37号",)}, [("paragraphs", 0, "通政发(2015)37号")]),
        ({"paragraphs": ("国办发〔2015〕09号",)}, [("paragraphs", 0, "国办发〔2015〕09号")]),
        ({"paragraphs": ("国办发〔2015〕9号",)}, []),
    ],
)
def test_document_numbers_use_hexagonal_brackets_and_no_leading_zeros(changes, expected):
    assert found(proofreading.document_number_format, **changes) == expected


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("2017年6月29日前完成", []),
        ("2017-06-29前完成", ["2017-06-29"]),
        ("2017/6/29前完成", ["2017/6/29"]),
        ("2017.6.29前完成", ["2017.6.29"]),
        ("2017年06月29日前完成", ["2017年06月"]),
        ("2017年6月09日前完成", ["2017年6月09日"]),
        ("17年6月29日前完成", ["17年6月29日"]),
        ("二〇一七年六月二十九日", ["二〇一七年六月二十九日"]),
        ("增长3.5倍", []),
    ],
)
def test_dates_are_written_like_2017_6_29(paragraph, expected):
    assert [
        excerpt for _f, _p, excerpt in found(proofreading.date_format, paragraphs=(paragraph,))
    ] == expected


@pytest.mark.parametrize(
    ("person", "phone", "fields"),
    [
        ("张明", "0513-85123456", []),
        ("张明", "13812345678", []),
        ("张明", "85123456", []),
        ("", "0513-85123456", ["contact_person"]),
        ("张明", "", ["contact_phone"]),
        ("  ", " ", ["contact_person", "contact_phone"]),
        ("张明", "电话待定", ["contact_phone"]),
    ],
)
def test_contact_person_and_telephone_are_given(person, phone, fields):
    findings = found(proofreading.contact_details, contact_person=person, contact_phone=phone)
    assert [field for field, _p, _e in findings] == fields


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"paragraphs": ("尊敬的石剑波代表：您好。",)}, []),
        ({"paragraphs": ("尊敬的石剑波委员：您好。",)}, ["尊敬的石剑波委员"]),
        ({"paragraphs": ("石剑波委员提出的建议收悉。",)}, ["石剑波委员"]),
        ({"paragraphs": ("您提出的第277号提案收悉。",)}, ["第277号提案"]),
        ({"kind": PROPOSAL, "paragraphs": ("尊敬的石剑波委员：",)}, []),
        ({"kind": PROPOSAL, "paragraphs": ("尊敬的石剑波代表：",)}, ["尊敬的石剑波代表"]),
        ({"kind": PROPOSAL, "paragraphs": ("您提出的第277号建议收悉。",)}, ["第277号建议"]),
    ],
)
def test_the_salutation_matches_the_kind(changes, expected):
    assert [excerpt for _f, _p, excerpt in found(proofreading.salutation_kind, **changes)] == expected


@pytest.mark.parametrize(
    ("category", "paragraph", "expected"),
    [
        ("B", "已列入计划，逐步解决。", []),
        ("A", "该问题已解决。", []),
        ("", "该问题已解决。", [("result_category", None, "")]),
        ("E", "该问题已解决。", [("result_category", None, "E")]),
        ("A", "受条件限制，待以后解决。", [("paragraphs", 0, "条件限制"), ("paragraphs", 0, "待以后解决")]),
        ("D", "已列入计划。", [("paragraphs", 0, "列入计划")]),
        ("C", "我们将认真研究。", []),  # no wording either way: nothing to contradict
    ],
)
def test_the_result_category_is_given_and_agrees_with_the_text(category, paragraph, expected):
    assert found(proofreading.result_category, result_category=category, paragraphs=(paragraph,)) == expected


def test_the_seed_reply_as_written_gets_findings_for_its_punctuation_and_cited_number():
    """Seed 003 was typed with half-width commas and cites 通委发[2010]3号."""
    findings = proofreading.letter_proofread(letter_277())
    rules = {finding.rule for finding in findings}
    assert {"halfwidth_punctuation", "document_number_format"} <= rules
    assert any(finding.excerpt == "通委发[2010]3号" for finding in findings)
    assert all(finding.message for finding in findings)
