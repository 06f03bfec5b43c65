"""Celery jobs of the reporting campaigns: thin triggers; the work lives in services and brief."""

from celery import shared_task

from tasks.campaigns import brief, services


@shared_task(name="campaigns.deadlines_sweep")
def campaign_deadlines_sweep():
    """Every few minutes (Celery beat): the reminders of the hour before the cut-off (15:00 for
    16:00, working days only) and the briefs of the days whose cut-off has passed. Both are safe
    to run again: a reminder is stored once per host and day, a brief once per day."""
    return {"reminded": services.reminders_send(), "briefs": brief.briefs_due()}
