"""The campaign reports a user's department owes today, for the menu and the desk."""

from django import template

from tasks.campaigns import services

register = template.Library()


def _reports_due(context):
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    if not hasattr(request, "_campaign_reports_due"):
        request._campaign_reports_due = services.reports_due_today(request.user)
    return request._campaign_reports_due


@register.simple_tag(takes_context=True)
def campaign_reports_due_count(context):
    return len(_reports_due(context))


@register.inclusion_tag("campaigns/reports_due.html", takes_context=True)
def campaign_reports_due(context):
    """``{% campaign_reports_due %}`` on the desk: a card linking to each report due today."""
    return {"reports_due": _reports_due(context)}
