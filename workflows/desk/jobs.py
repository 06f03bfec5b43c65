from celery import shared_task

from workflows.desk import digest


@shared_task(name="desk.morning_digest")
def morning_digest():
    """每日待办提醒 at 08:30; does nothing on days off."""
    return digest.digests_queue()
