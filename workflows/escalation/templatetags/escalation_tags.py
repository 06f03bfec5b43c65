from html import escape

from django import template
from django.utils.safestring import mark_safe

from workflows.escalation.models import Light, Notice

register = template.Library()
LIGHT_VALUES = frozenset(Light.values)  # Light.values builds a new list at every call


@register.filter
def light_label(value):
    """红黄灯 label of a light value (green / yellow / red)."""
    return Light(value).label if value in LIGHT_VALUES else ""


@register.filter
def light_badge(value):
    """The light as lists show it: a coloured dot and its label (a filter, not an include, so a
    list of 50 rows renders it cheaply; the standard library's escape, as ``format_html`` costs
    25 µs a row)."""
    value, label = escape(str(value)), escape(str(light_label(value)))
    return mark_safe(
        f'<span class="light light--{value}" title="{label}"><span class="light__dot"></span>{label}</span>'
    )


@register.filter
def notice_title(notice):
    """The title printed on a notice: 临期提醒单, 催办单, 督办单 or 督办单（第2次）."""
    if notice.kind == Notice.Kind.REMINDER:
        return "临期提醒单"
    if notice.kind == Notice.Kind.URGING:
        return "催办单"
    return f"督办单（第{notice.sequence + 1}次）" if notice.sequence else "督办单"
