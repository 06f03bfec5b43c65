"""The timer dispatcher: batches, process locks, concurrent dispatchers, a broken timer, a
database held by another writer, and the mutex of the Celery task."""

import datetime
import logging
import threading

import pytest
import time_machine
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from accounts.models import Department
from tests.factories import register_and_assign
from workflows.escalation import dispatcher, jobs
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


def test_a_broken_timer_is_set_aside_and_the_rest_of_its_batch_fires(kjj, kjj_officer, caplog):
    assign_many(3, kjj)
    make_all_due()
    broken = Deadline.objects.order_by("pk").first()
    Deadline.objects.filter(pk=broken.pk).update(object_id=987654)  # its proposal is gone

    with caplog.at_level(logging.INFO, logger="workflows.escalation"):
        assert dispatcher.timers_fire() == 2  # the broken one is not counted as fired
    assert Notice.objects.count() == 2
    failed = Task.objects.get(previous=broken.task, flow_task_type="TIMER")
    assert failed.status == STATUS.ERROR
    assert failed.data["_exception"]["type"] == "KeyError"
    # logged as an error, naming the timer, once
    (error,) = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert f"Timer {failed.pk} " in error.getMessage()
    assert "set aside" in error.getMessage()
    assert error.exc_info[0] is KeyError
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


@pytest.fixture
def _no_mutex(transactional_db):
    """The cache (Redis in CI) outlives test databases: no mutex before or after."""
    cache.delete(jobs.DISPATCHER_LOCK_KEY)
    yield
    cache.delete(jobs.DISPATCHER_LOCK_KEY)


@pytest.fixture
def _two_due_timers(kjj, kjj_officer):
    assign_many(2, kjj)
    make_all_due()


@pytest.fixture
def writer_holding_the_database():
    """Another connection that holds a write transaction until released, as a busy request does.

    On SQLite the whole database is its lock; on PostgreSQL the notices table, with this test's
    connection giving up on a lock after half a second (a dead-locked or timed-out statement
    raises the same OperationalError that SQLite's "database is locked" does).
    """
    holding, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(f"LOCK TABLE {Notice._meta.db_table} IN ACCESS EXCLUSIVE MODE")
                else:
                    Department.objects.filter(code="nt-kjj").update(name="南通市科学技术局")
                holding.set()
                release.wait(60)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert holding.wait(60)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '500ms'")

    def release_and_wait():
        release.set()
        thread.join(60)

    try:
        yield release_and_wait
    finally:
        release_and_wait()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_no_mutex", "_two_due_timers")
def test_a_pass_that_finds_the_database_locked_is_retried_next_pass_not_skipped_nor_parked(
    writer_holding_the_database, caplog
):
    release = writer_holding_the_database
    with caplog.at_level(logging.INFO, logger="workflows.escalation"):
        # the Celery task's pass: it ran (no "another dispatcher"), stopped, fired nothing
        assert jobs.workflow_timers_fire() == 0
    ours = [record for record in caplog.records if record.name.startswith("workflows.escalation")]
    assert not [record for record in ours if "skipped" in record.getMessage()]
    assert not [record for record in ours if record.levelno >= logging.ERROR]
    # on SQLite the database cache could not take the mutex either: the pass ran without it
    assert "stay due for the next pass" in ours[-1].getMessage()
    assert ours[-1].levelno == logging.WARNING
    release()

    # nothing was parked: every timer is still due, and the next pass fires them all
    assert set(Task.objects.filter(flow_task_type="TIMER").values_list("status", flat=True)) == {
        STATUS.SCHEDULED
    }
    assert jobs.workflow_timers_fire() == 2
    assert Notice.objects.count() == 2
    assert not Task.objects.filter(flow_task_type="TIMER", status=STATUS.ERROR).exists()
    # and the mutex was released by the stopped pass as by the finished one
    assert cache.get(jobs.DISPATCHER_LOCK_KEY) is None


def _mutex_seconds_left():
    """What the cache says of the mutex: seconds to expiry on Redis, None elsewhere."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    key = backend.make_and_validate_key(jobs.DISPATCHER_LOCK_KEY)
    return backend._cache.get_client(key).ttl(key)


@pytest.mark.usefixtures("_no_mutex")
def test_the_mutex_of_a_killed_dispatcher_lapses_within_a_minute(kjj, kjj_officer):
    assign_many(2, kjj)
    make_all_due()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        # a dispatcher took the mutex, then its worker was killed: it is never released
        assert jobs.DispatcherMutex().acquire()
        assert jobs.workflow_timers_fire() == 0  # skipped: the mutex is held
        assert Notice.objects.count() == 0

        seconds_left = _mutex_seconds_left()
        if seconds_left is not None:  # Redis keeps its own clock: read the expiry
            assert 0 < seconds_left <= jobs.DISPATCHER_LOCK_SECONDS <= 60
            cache.delete(jobs.DISPATCHER_LOCK_KEY)  # as Redis does when it runs out
        else:
            traveller.shift(datetime.timedelta(seconds=jobs.DISPATCHER_LOCK_SECONDS + 1))
        assert jobs.workflow_timers_fire() == 2
    assert Notice.objects.count() == 2


@pytest.mark.usefixtures("_no_mutex")
def test_a_running_pass_renews_its_mutex_and_releases_it(kjj, kjj_officer):
    assign_many(5, kjj)
    make_all_due()
    start = timezone.now()
    renewals = []
    with time_machine.travel(start, tick=False) as traveller:
        mutex = jobs.DispatcherMutex()
        assert mutex.acquire()

        def heartbeat():
            # every batch of this long pass takes 50 s, most of the mutex's minute
            traveller.shift(datetime.timedelta(seconds=50))
            mutex.renew()
            renewals.append(_mutex_seconds_left())
            # held still: a second dispatcher would skip
            assert not jobs.DispatcherMutex().acquire()

        assert dispatcher.timers_fire(batch_size=2, heartbeat=heartbeat) == 5
        mutex.release()
    # three batches of 2, 2 and 1 timers, then the pass that found none: four renewals
    assert len(renewals) == 4
    if renewals[0] is not None:
        assert all(55 <= seconds <= jobs.DISPATCHER_LOCK_SECONDS for seconds in renewals)
    assert cache.get(jobs.DISPATCHER_LOCK_KEY) is None


@pytest.mark.usefixtures("_no_mutex")
def test_a_pass_runs_when_the_cache_cannot_take_the_mutex(kjj, kjj_officer, monkeypatch, caplog):
    """Django's database cache answers a failed add() (database locked) with False: no holder's
    token can be read back, so the pass runs unguarded rather than being skipped."""
    assign_many(2, kjj)
    make_all_due()
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    with caplog.at_level(logging.INFO, logger="workflows.escalation"):
        assert jobs.workflow_timers_fire() == 2
    assert "running without it" in caplog.text
    assert "skipped" not in caplog.text
