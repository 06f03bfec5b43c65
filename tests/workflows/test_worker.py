"""A real Celery worker consumes the configured broker and runs work queued after commit."""

import datetime
import time

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Task

from workflows import tasks
from workflows.models import Proposal


def wait_for(predicate, seconds=30):
    """Poll for the worker's result; the worker runs in another thread."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(autouse=True)
def _no_stale_dispatcher_lock(django_db_setup, django_db_blocker):
    """The cache (Redis in CI) outlives test databases: drop a lock an aborted run left behind."""
    with django_db_blocker.unblock():
        cache.delete(tasks.DISPATCHER_LOCK_KEY)


def test_timer_dispatch_queued_after_commit_runs_on_the_worker(celery_worker, proposal_277):
    # Make the reminder due by moving its scheduled moment into the past (the worker thread
    # runs on the real clock, so the test cannot travel in time for it).
    Task.objects.filter(process__artifact_object_id=proposal_277.pk, flow_task_type="TIMER").update(
        scheduled=timezone.now() - datetime.timedelta(minutes=1)
    )
    with transaction.atomic():
        tasks.workflow_timers_fire.delay_on_commit()
        # nothing is sent before the transaction commits
        assert Proposal.objects.get(pk=proposal_277.pk).sign_for_reminded_at is None

    assert wait_for(lambda: Proposal.objects.get(pk=proposal_277.pk).sign_for_reminded_at is not None)


def test_a_second_dispatcher_skips_while_one_holds_the_lock(proposal_277):
    cache.add(tasks.DISPATCHER_LOCK_KEY, "other-dispatcher", 60)
    try:
        Task.objects.filter(flow_task_type="TIMER").update(
            scheduled=timezone.now() - datetime.timedelta(minutes=1)
        )
        assert tasks.workflow_timers_fire() == 0
    finally:
        cache.delete(tasks.DISPATCHER_LOCK_KEY)
    assert tasks.workflow_timers_fire() == 1
