"""The reply letter (答复函) of the proposal process: what a letter says, from a reply.

The renderer (GB/T 9704 layout, numbering, 核稿, PDF, .docx) lives in ``workflows.documents``
and takes a ``LetterData``; this module builds it from a reply and the handling department's
letter template, and finds a reply's letter files. The process's services call the machinery
(draft preview at ``reply_save``, numbering and freezing at ``reply_review``).
"""

import dataclasses
import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from tasks.proposals.models import Proposal, Reply
from workflows.documents.letter_templates import letter_from_template, template_fill
from workflows.documents.letters import DEFAULT_CLOSING, KINDS, LetterData
from workflows.documents.models import LetterDocument, LetterTemplate
from workflows.documents.proofreading import letter_proofread
from workflows.documents.validators import NUMBER_PATTERN

DEFAULT_OPENING = "您提出的《{proposal_title}》收悉。经认真研究，现答复如下："
# a thanks line the officer typed as the draft's last paragraph replaces the template's closing
THANKS = ("感谢", "谢谢")


def letter_template_for(department, kind):
    """The department's template of this kind, or an unsaved default one.

    A department the secretariat has not configured still issues letters: its numbers follow
    ``<short name>复〔{year}〕{n}号`` (e.g. 科技局复〔2024〕1号), one gapless series per department,
    and its letters open and close with the usual wording.
    """
    template = LetterTemplate.objects.filter(department=department, kind=kind).first()
    if template is not None:
        return template
    code = f"{department.short_name or department.name}复"
    pattern = f"{code}〔{{year}}〕{{n}}号"
    if not NUMBER_PATTERN.fullmatch(pattern):  # a short name with digits or brackets
        pattern = f"{department.code.upper()[:18]}复〔{{year}}〕{{n}}号"
    return LetterTemplate(
        department=department,
        kind=kind,
        number_pattern=pattern,
        opening=DEFAULT_OPENING,
        closing=DEFAULT_CLOSING,
    )


def _lines(text):
    return [line for line in (part.strip() for part in (text or "").replace("\r", "").split("\n")) if line]


def _proposal_letter(proposal, department, *, date, draft):
    """The letter's frame from the proposal alone: no body yet."""
    names = [p.name for p in proposal.proposers.all()]
    return LetterData(
        kind=proposal.kind,
        recipients=tuple(names),
        session=proposal.session_label,
        proposal_number=proposal.number,
        proposal_title=proposal.title,
        paragraphs=(),
        result_category="",
        department=department.name,
        date=date,
        draft=draft,
    )


def reply_letter(reply: Reply, *, template=None) -> LetterData:
    """The 答复函 of ``reply``: its text as the body, its letter fields, the template's defaults.

    The draft text starts with the salutation (the letter prints its own) and usually ends
    with the thanks, which then replaces the template's closing. A follow-up reply is a letter
    of its own, titled as such. ``template`` is the department's letter template, when the
    caller has read it already.
    """
    proposal = reply.proposal
    template = template or letter_template_for(reply.department, proposal.kind)
    data = _proposal_letter(
        proposal,
        reply.department,
        date=reply.letter_date or timezone.localdate(),
        draft=not reply.is_released,
    )
    paragraphs = _lines(reply.text)
    if paragraphs and paragraphs[0].startswith("尊敬的") and paragraphs[0].endswith(("：", ":")):
        paragraphs = paragraphs[1:]
    cc = [name for name in (part.strip() for part in reply.cc.replace("，", "、").split("、")) if name]
    data = dataclasses.replace(
        data,
        paragraphs=tuple(paragraphs),
        result_category=reply.category,
        contact_person=reply.contact_person or template.contact_person,
        contact_phone=reply.contact_phone or template.contact_phone,
        co_handlers=tuple(o.department.name for o in reply.opinions_read()),
        copy_to=tuple(cc) or tuple(_lines(template.copy_to)),
        document_number=reply.letter_number,
    )
    closing = "" if paragraphs and any(word in paragraphs[-1] for word in THANKS) else template.closing
    title = ""
    if reply.kind == Reply.Kind.FOLLOW_UP:
        title = f"对{data.session}第{data.proposal_number}号{KINDS[data.kind][1]}的跟踪答复"
    return dataclasses.replace(data, closing=template_fill(closing, data), title=title)


def proposal_letter(proposal: Proposal) -> LetterData:
    """Before any draft: the lead department's template filled with the proposal's data."""
    department = proposal.lead_department
    data = _proposal_letter(proposal, department, date=timezone.localdate(), draft=True)
    return letter_from_template(letter_template_for(department, proposal.kind), data)


def sample_letter(department, kind) -> LetterData:
    """What the template editor previews: proposal 277 of 2017 as if this department answered it."""
    return LetterData(
        kind=kind,
        recipients=("石剑波",),
        session="市十五届人大一次会议" if kind == Proposal.Kind.SUGGESTION else "市十五届政协一次会议",
        proposal_number="277",
        proposal_title="关于在南通市组织社会大众聚力创新的建议",
        paragraphs=(
            "近年来，我们围绕“大众创业、万众创新”，搭建创新创业服务平台，"
            "培育众创空间，组织开展各类创新创业活动。",
            "下一步，我们将进一步完善政策措施，营造良好的创新创业氛围。",
        ),
        result_category="B",
        department=department.name,
        date=datetime.date(2017, 6, 29),
        co_handlers=("市科协",),
    )


def letter_documents(reply):
    """{True: the draft preview, False: the issued letter} of ``reply`` (either may be absent)."""
    documents = LetterDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(Reply), object_id=reply.pk
    )
    return {document.is_draft: document for document in documents}


def letters_by_reply(replies):
    """{reply pk: {is_draft: document}} of several replies in one query (the proposal's page)."""
    documents = LetterDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(Reply), object_id__in=[reply.pk for reply in replies]
    ).only("object_id", "is_draft", "status", "error", "number", "scan")
    found = {}
    for document in documents:
        found.setdefault(document.object_id, {})[document.is_draft] = document
    return found


def letter_panel(reply):
    """What the draft, sign-off and review pages show beside the reply: the latest preview, the
    issued letter, and the 核稿 findings of the letter as it stands."""
    documents = letter_documents(reply)
    return {
        "letter_draft": documents.get(True),
        "letter_issued": documents.get(False),
        "letter_findings": letter_proofread(reply_letter(reply)),
    }
