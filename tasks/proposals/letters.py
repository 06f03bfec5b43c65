"""The seam to the reply letter (答复函, issue 12): what a letter needs, from a reply.

The renderer (GB/T 9704 layout, numbering, proofreading, PDF) lives in ``workflows.documents``
and takes this plain dict; nothing here knows about pages or fonts.
"""

from tasks.proposals.models import Reply


def reply_letter_data(reply: Reply) -> dict:
    """Everything the 答复函 of ``reply`` prints, as plain values."""
    proposal = reply.proposal
    proposers = list(proposal.proposers.all())
    lead = next((p for p in proposers if p.is_lead), proposers[0] if proposers else None)
    return {
        "issuer": reply.department.name,
        "document_number": reply.letter_number,  # blank until issue 12's numbering assigns it
        "category": reply.category,
        "kind": proposal.kind_word,
        "proposal_number": proposal.number,
        "session": proposal.session_label,
        "title": proposal.title,
        "salutation": f"{lead.name}{proposal.proposer_title}" if lead else "",
        "recipients": [f"{p.name}{proposal.proposer_title}" for p in proposers],
        "body": reply.text,
        "date": reply.letter_date,
        "contact_person": reply.contact_person,
        "contact_phone": reply.contact_phone,
        "cc": [name for name in (part.strip() for part in reply.cc.replace("，", "、").split("、")) if name],
        "co_handlers": [str(o.department) for o in reply.opinions.select_related("department")],
        "follow_up": reply.kind == Reply.Kind.FOLLOW_UP,
    }
