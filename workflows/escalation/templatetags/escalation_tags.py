from django import template
from django.utils.html import format_html

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
    list of 50 rows renders it cheaply)."""
    label = light_label(value)
    return format_html(
        '<span class="light light--{}" title="{}"><span class="light__dot"></span>{}</span>',
        value,
        label,
        label,
    )


@register.filter
def notice_title(notice):
    """The title printed on a notice: 临期提醒单, 催办单, 督办单 or 督办单（第2次）."""
    if notice.kind == Notice.Kind.REMINDER:
        return "临期提醒单"
    if notice.kind == Notice.Kind.URGING:
        return "催办单"
    return f"督办单（第{notice.sequence + 1}次）" if notice.sequence else "督办单"
