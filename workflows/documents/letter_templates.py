"""A department's letter template (models.LetterTemplate) applied to a letter's data.

Placeholders are replaced in one pass by a regular expression, never by ``str.format``: the
secretariat's text cannot reach attributes (``{proposer.__class__}``), and braces inside the filled
values (a proposal titled "{department}") print as they are.
"""

import dataclasses

from workflows.documents.letters import KINDS
from workflows.documents.validators import BRACED


def placeholder_values(data):
    return {
        "proposer": f"{'、'.join(data.recipients)}{KINDS[data.kind][0]}",
        "session": data.session,
        "proposal_number": data.proposal_number,
        "proposal_title": data.proposal_title,
        "result_category": data.result_category,
        "department": data.department,
        "co_handlers": "、".join(data.co_handlers),
        "contact_person": data.contact_person,
        "contact_phone": data.contact_phone,
        "date": data.chinese_date,
    }


def template_fill(text, data):
    """``text`` with each known placeholder replaced by the letter's value; others are left as typed."""
    values = placeholder_values(data)
    return BRACED.sub(lambda match: values.get(match[1], match[0]), text)


def letter_from_template(template, data):
    """The letter with the template's opening before its paragraphs, its closing, and its contact
    and 抄送 defaults where the letter gives none."""
    data = dataclasses.replace(
        data,
        contact_person=data.contact_person or template.contact_person,
        contact_phone=data.contact_phone or template.contact_phone,
        copy_to=data.copy_to or tuple(line.strip() for line in template.copy_to.splitlines() if line.strip()),
    )
    return dataclasses.replace(
        data,
        paragraphs=(template_fill(template.opening, data), *data.paragraphs),
        closing=template_fill(template.closing, data),
    )
