"""Validators of what the secretariat configures: number patterns and letter-template placeholders."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# 发文字号 (GB/T 9704 7.2.4): the issuer's code, the year in 〔〕, the number without leading zeros, 号.
NUMBER_PATTERN = re.compile(r"(?P<code>[^\s{}〔〕\[\]【】()（）0-9]{1,20})〔\{year\}〕\{n\}号")


def number_pattern_validate(pattern):
    """Refuse a number pattern other than ``机关代字〔{year}〕{n}号`` (e.g. 通科复〔{year}〕{n}号)."""
    if not NUMBER_PATTERN.fullmatch(pattern or ""):
        raise ValidationError(
            _(
                "The number pattern must read like 通科复〔{year}〕{n}号: "
                "the issuer's code, {year} in 〔〕, then {n}号."
            ),
            code="number_pattern",
        )


# What a letter template may say in braces, filled from LetterData (letter_templates.py)
PLACEHOLDERS = (
    "proposer",
    "session",
    "proposal_number",
    "proposal_title",
    "result_category",
    "department",
    "co_handlers",
    "contact_person",
    "contact_phone",
    "date",
)
BRACED = re.compile(r"\{([^{}]*)\}")


def placeholders_validate(text):
    """Refuse placeholders other than PLACEHOLDERS (a typo would print as braces in a letter)."""
    unknown = sorted({name for name in BRACED.findall(text or "") if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholder(s) %(unknown)s; use only %(known)s."),
            code="placeholder",
            params={
                "unknown": "、".join(f"{{{name}}}" for name in unknown),
                "known": "、".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
        )
