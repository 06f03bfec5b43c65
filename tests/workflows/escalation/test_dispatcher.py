"""The timer dispatcher: batches, process locks, concurrent dispatchers, a broken timer."""

import datetime
import threading

import pytest
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from tests.factories import register_and_assign
from workflows.escalation import dispatcher
from workflows.escalation.models import Deadline, Notice

needs_skip_locked = pytest.mark.skipif(
    not connection.features.has_select_for_update_skip_locked,
    reason="concurrent dispatchers need SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL)",
)


def assign_many(count, lead):
    for number in range(count):
        register_and_assign(
            lead=lead,
            kind="proposal",
            session="十三届一次",
            number=str(1000 + number),
            title=f"提案{number}",
            content="内容",
            proposers=("王一",),
        )


def make_all_due():
    Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED).update(
        scheduled=timezone.now() - datetime.timedelta(minutes=1)
    )


@needs_skip_locked
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_dispatchers_fire_each_timer_once(kjj, kjj_officer, kjj_head):
    assign_many(120, kjj)
    make_all_due()
    start = threading.Barrier(2)
    fired = {}
    errors = []

    def run_dispatcher(name):
        try:
            start.wait()
            fired[name] = dispatcher.timers_fire(batch_size=7)
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run_dispatcher, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert not errors
    assert fired["a"] + fired["b"] == 120
    assert Notice.objects.count() == 120
    assert Notice.objects.values("deadline").distinct().count() == 120
    # each fired reminder scheduled exactly one next rung
    assert Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED).count() == 120
    assert Task.objects.filter(flow_task_type="TIMER", status=STATUS.DONE).count() == 120


@needs_skip_locked
@pytest.mark.django_db(transaction=True)
def test_a_process_held_by_another_transaction_waits_for_the_next_pass(kjj, kjj_officer):
    assign_many(2, kjj)
    make_all_due()
    busy = Deadline.objects.order_by("pk").first().task.process_id
    holding, release = threading.Event(), threading.Event()

    def officer_request():
        with transaction.atomic():
            Process.objects.select_for_update().filter(pk=busy).exists()
            holding.set()
            release.wait(60)
        connection.close()

    thread = threading.Thread(target=officer_request)
    thread.start()
    assert holding.wait(60)
    try:
        # does not wait for the lock: the other process's timer fires, this one is skipped
        assert dispatcher.timers_fire() == 1
    finally:
        release.set()
        thread.join(60)
    assert dispatcher.timers_fire() == 1
    assert Notice.objects.count() == 2


def test_a_broken_timer_is_set_aside_and_the_rest_of_its_batch_fires(kjj, kjj_officer):
    assign_many(3, kjj)
    make_all_due()
    broken = Deadline.objects.order_by("pk").first()
    Deadline.objects.filter(pk=broken.pk).update(object_id=987654)  # its proposal is gone

    assert dispatcher.timers_fire() == 2  # the broken one is not counted as fired
    assert Notice.objects.count() == 2
    failed = Task.objects.get(previous=broken.task, flow_task_type="TIMER")
    assert failed.status == STATUS.ERROR
    assert failed.data["_exception"]["type"] == "KeyError"
    # it stays out of the due set
    assert dispatcher.timers_fire() == 0


def test_a_lone_broken_timer_does_not_break_the_pass(kjj, kjj_officer):
    assign_many(1, kjj)
    make_all_due()
    broken = Deadline.objects.get()
    Deadline.objects.filter(pk=broken.pk).update(object_id=987654)  # its proposal is gone

    dispatcher.timers_fire()  # must not raise
    failed = Task.objects.get(previous=broken.task, flow_task_type="TIMER")
    assert failed.status == STATUS.ERROR
    assert dispatcher.timers_fire() == 0


def test_an_idle_pass_fires_nothing(kjj, kjj_officer):
    assign_many(2, kjj)
    assert dispatcher.timers_fire() == 0
    assert not Notice.objects.exists()
