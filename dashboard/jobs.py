"""Celery jobs of the dashboard: thin triggers; the work lives in circulars."""

from celery import shared_task

from dashboard import circulars


@shared_task(name="dashboard.circulars_due")
def circulars_due_job():
    """Every morning (Celery beat): last month's circular on the first working day of a month, and
    those still unrendered again. Safe to run again: one monthly circular per month."""
    return circulars.circulars_due()
