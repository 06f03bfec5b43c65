"""``{% font_family "body" %}``: the shared font stacks (workflows.documents.fonts) in PDF templates."""

from django import template
from django.utils.safestring import mark_safe

from workflows.documents import fonts

register = template.Library()


@register.simple_tag
def font_family(name):
    """The CSS font-family value of the "body", "title" or "heading" stack.

    Marked safe so that the quotes reach the stylesheet unescaped: the value is our constant, never
    user input, and an unknown name is an error rather than an empty declaration.
    """
    return mark_safe(fonts.css_font_family(fonts.STACKS[name]))
