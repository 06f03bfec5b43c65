"""LetterData: what the process hands over (a dict) and what a rendering job stores (JSON)."""

import datetime
import json

import pytest

from tests.workflows.documents.letter_277 import letter_277
from workflows.documents.letters import LetterData


def test_the_data_survives_a_json_round_trip():
    letter = letter_277()
    assert LetterData.from_dict(json.loads(json.dumps(letter.to_dict()))) == letter


def test_from_dict_takes_lists_and_iso_dates_as_the_process_returns_them():
    values = {
        **letter_277().to_dict(),
        "recipients": ["石剑波"],
        "date": "2017-06-29",
        "copy_to": "市政协提案委",
    }
    letter = LetterData.from_dict(values)
    assert letter.recipients == ("石剑波",) and letter.copy_to == ("市政协提案委",)
    assert letter.date == datetime.date(2017, 6, 29) and letter.chinese_date == "2017年6月29日"


def test_an_unknown_field_or_kind_is_an_error_not_a_blank():
    with pytest.raises(TypeError, match="letter_number"):
        LetterData.from_dict({**letter_277().to_dict(), "letter_number": "通科复〔2017〕12号"})
    with pytest.raises(ValueError, match="petition"):
        LetterData.from_dict({**letter_277().to_dict(), "kind": "petition"})


def test_the_copies_name_the_co_handlers_once_after_the_offices():
    letter = letter_277(copy_to=("市人大常委会代表工作委员会", "市科协"), co_handlers=("市科协", "市财政局"))
    assert letter.copies == ("市人大常委会代表工作委员会", "市科协", "市财政局")
    assert letter.copies_line == "抄送：市人大常委会代表工作委员会，市科协，市财政局。"
    assert letter_277(copy_to=(), co_handlers=()).copies_line == ""


def test_the_contact_line_shows_what_is_given():
    assert letter_277().contact_line == "（联系人：张明，联系电话：0513-85123456）"
    assert letter_277(contact_phone="").contact_line == "（联系人：张明）"
    assert letter_277(contact_person="", contact_phone="").contact_line == ""
