"""Celery tasks of the outbox (the sending task sits beside the delivery it triggers)."""

from celery import shared_task

from workflows.notifications import outbox


@shared_task(name="notifications.sweep")
def outbox_sweep():
    """Queue again the messages still pending after the retry timeout."""
    return outbox.notifications_sweep()
