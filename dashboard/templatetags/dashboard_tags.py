from django import template

from accounts.access import sees_everything

register = template.Library()


@register.filter
def reads_circulars(user):
    """Circulars cover every department: the secretariat and the leaders who oversee all."""
    return user.is_authenticated and sees_everything(user)


@register.filter
def percent(value):
    """A rate as printed: 87.5% or — when nothing was counted."""
    return "—" if value is None else f"{value:g}%"
