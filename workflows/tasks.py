"""Celery tasks: thin triggers; the work lives in viewflow and the services."""

import logging
import uuid

from celery import shared_task
from django.core.cache import cache
from viewflow.workflow.timers import fire_due_timers

logger = logging.getLogger(__name__)

DISPATCHER_LOCK_KEY = "workflow-timers-dispatcher"
DISPATCHER_LOCK_SECONDS = 600


@shared_task
def workflow_timers_fire():
    """Fire every due workflow timer.

    Only one dispatcher runs at a time (a cache mutex shared by every worker); each timer is also
    re-checked under its flow lock, so even an expired mutex cannot fire a timer twice on
    PostgreSQL.
    """
    token = uuid.uuid4().hex
    if not cache.add(DISPATCHER_LOCK_KEY, token, DISPATCHER_LOCK_SECONDS):
        logger.info("Another timer dispatcher is running; skipped")
        return 0
    try:
        return fire_due_timers()
    finally:
        if cache.get(DISPATCHER_LOCK_KEY) == token:
            cache.delete(DISPATCHER_LOCK_KEY)
