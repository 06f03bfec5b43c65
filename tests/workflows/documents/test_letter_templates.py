"""A department's letter template: placeholders filled from the letter, typos and tricks refused."""

import re

import pytest
from django.core.exceptions import ValidationError

from tests.workflows.documents.letter_277 import letter_277
from workflows.documents.letter_templates import letter_from_template, template_fill
from workflows.documents.letters import SUGGESTION
from workflows.documents.models import LetterTemplate
from workflows.documents.validators import PLACEHOLDERS

OPENING = "{proposer}：您在{session}上提出的《{proposal_title}》（第{proposal_number}号）收悉，现答复如下："


def kjj_template(kjj, **changes):
    values = {
        "department": kjj,
        "kind": SUGGESTION,
        "number_pattern": "通科复〔{year}〕{n}号",
        "opening": OPENING,
        "closing": "感谢您对{department}工作的支持。{co_handlers}共同办理。",
        "contact_person": "张明",
        "contact_phone": "0513-85123456",
        "copy_to": "市人大常委会代表工作委员会\n\n市政府办公室\n",
    }
    return LetterTemplate(**{**values, **changes})


def test_the_template_fills_its_placeholders_from_the_letter(kjj):
    letter = letter_from_template(
        kjj_template(kjj), letter_277(paragraphs=("正文。",), contact_person="", contact_phone="", copy_to=())
    )
    assert letter.paragraphs == (
        "石剑波代表：您在市十五届人大一次会议上提出的《关于在南通市组织社会大众聚力创新的建议》（第277号）收悉，现答复如下：",
        "正文。",
    )
    assert letter.closing == "感谢您对南通市科学技术局工作的支持。市科协共同办理。"
    assert (letter.contact_person, letter.contact_phone) == ("张明", "0513-85123456")
    assert letter.copy_to == ("市人大常委会代表工作委员会", "市政府办公室")


def test_the_letters_own_contact_and_copies_win_over_the_templates(kjj):
    letter = letter_from_template(
        kjj_template(kjj), letter_277(contact_person="李华", copy_to=("市政协提案委",))
    )
    assert letter.contact_person == "李华" and letter.copy_to == ("市政协提案委",)


def test_every_placeholder_is_filled():
    text = "".join(f"[{{{name}}}]" for name in PLACEHOLDERS)
    filled = template_fill(text, letter_277())
    assert "{" not in filled
    assert "[2017年6月29日]" in filled and "[B]" in filled and "[石剑波代表]" in filled


def test_braces_in_the_letters_values_are_printed_not_expanded():
    letter = letter_277(proposal_title="关于{department}的{proposer.__class__}建议")
    assert template_fill("《{proposal_title}》", letter) == "《关于{department}的{proposer.__class__}建议》"


@pytest.mark.parametrize("opening", ["{proposr}：您好", "{proposer.__class__}", "{0}", "{}"])
def test_unknown_placeholders_are_refused_with_the_known_ones_listed(kjj, opening):
    with pytest.raises(ValidationError) as refused:
        kjj_template(kjj, opening=opening).full_clean()
    assert "opening" in refused.value.message_dict
    assert "{proposer}" in refused.value.message_dict["opening"][0]


def test_a_bad_number_pattern_is_refused(kjj):
    with pytest.raises(ValidationError) as refused:
        kjj_template(kjj, number_pattern="通科复[{year}]{n}号").full_clean()
    assert re.search("〔", refused.value.message_dict["number_pattern"][0])
    kjj_template(kjj).full_clean()
