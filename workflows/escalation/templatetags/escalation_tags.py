from django import template

from workflows.escalation.models import Light, Notice

register = template.Library()


@register.filter
def light_label(value):
    """红黄灯 label of a light value (green / yellow / red)."""
    return Light(value).label if value in Light.values else ""


@register.filter
def notice_title(notice):
    """The title printed on a notice: 临期提醒单, 催办单, 督办单 or 督办单（第2次）."""
    if notice.kind == Notice.Kind.REMINDER:
        return "临期提醒单"
    if notice.kind == Notice.Kind.URGING:
        return "催办单"
    return f"督办单（第{notice.sequence + 1}次）" if notice.sequence else "督办单"
