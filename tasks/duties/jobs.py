"""Celery tasks (jobs) of duties: thin triggers; the work lives in ``reports``."""

from celery import shared_task

from tasks.duties import reports


@shared_task(name="duties.reports_open")
def duty_reports_open():
    """Open the progress reports due on the duties' cycles (daily; does nothing on days off)."""
    return len(reports.reports_open_due())
