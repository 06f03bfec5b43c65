"""The golden reply letter: seed 003's reply to proposal 277 (主办 科技局, 协办 科协, 2017-06-29)."""

import datetime
from pathlib import Path

from workflows.documents.letters import SUGGESTION, LetterData

# a verbatim copy of ../shared/seeds/003_f249a5bce850aff6.txt, so the test runs without shared/
SEED = Path(__file__).resolve().parent / "data" / "seed_003.txt"


def seed_reply():
    """The seed's reply text: its salutation, its paragraphs and its signature lines."""
    reply = SEED.read_text(encoding="utf-8").split("答复内容: | ", 1)[1]
    body, signature = reply.rstrip().rstrip("|").rstrip().rsplit("\n", 1)
    salutation, *paragraphs = body.split(" ")
    # one paragraph quotes “3+3+N” after a space: glue it back
    glued = []
    for paragraph in paragraphs:
        if paragraph.startswith("“3+3+N”"):
            glued[-1] += " " + paragraph
        else:
            glued.append(paragraph)
    return salutation, tuple(glued), tuple(signature.split(" "))


def letter_277(**changes):
    _salutation, paragraphs, _signature = seed_reply()
    values = {
        "kind": SUGGESTION,
        "recipients": ("石剑波",),
        "session": "市十五届人大一次会议",
        "proposal_number": "277",
        "proposal_title": "关于在南通市组织社会大众聚力创新的建议",
        "paragraphs": paragraphs,
        "result_category": "B",
        "department": "南通市科学技术局",
        "date": datetime.date(2017, 6, 29),
        "contact_person": "张明",
        "contact_phone": "0513-85123456",
        "co_handlers": ("市科协",),
        "copy_to": ("市人大常委会代表工作委员会",),
        "document_number": "通科复〔2017〕12号",
        "draft": False,
    }
    values.update(changes)
    return LetterData(**values)
