"""A real Celery worker consumes the configured broker (Redis in CI): it runs the timer
dispatcher, sends the outbox over SMTP to a local server and renders the notices' PDFs."""

import datetime
import email
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from config.celery import app as celery_app
from tests.conftest import MailSink, free_port
from workflows.escalation import jobs as escalation_jobs
from workflows.escalation.models import Notice
from workflows.notifications import delivery, outbox
from workflows.notifications import jobs as notification_jobs
from workflows.notifications.models import Notification

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, seconds=60):
    """Poll for the worker's result; the worker runs in another thread or process."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(autouse=True)
def _no_stale_dispatcher_lock(django_db_setup, django_db_blocker):
    """The cache (Redis in CI) outlives test databases: drop a lock an aborted run left behind."""
    from django.core.cache import cache

    with django_db_blocker.unblock():
        cache.delete(escalation_jobs.DISPATCHER_LOCK_KEY)


def make_reminder_due(proposal):
    Task.objects.filter(
        process__artifact_object_id=proposal.pk, flow_task_type="TIMER", status=STATUS.SCHEDULED
    ).update(scheduled=timezone.now() - datetime.timedelta(minutes=1))


def test_the_dispatcher_queued_after_commit_runs_on_the_worker(celery_worker, proposal_277, kjj_officer):
    make_reminder_due(proposal_277)
    with transaction.atomic():
        escalation_jobs.workflow_timers_fire.delay_on_commit()
        # nothing is sent before the transaction commits
        assert not Notice.objects.exists()

    assert wait_for(lambda: Notice.objects.filter(kind=Notice.Kind.REMINDER).exists())


def test_a_second_dispatcher_skips_while_one_holds_the_lock(proposal_277, kjj_officer):
    from django.core.cache import cache

    cache.add(escalation_jobs.DISPATCHER_LOCK_KEY, "other-dispatcher", 60)
    try:
        make_reminder_due(proposal_277)
        assert escalation_jobs.workflow_timers_fire() == 0
    finally:
        cache.delete(escalation_jobs.DISPATCHER_LOCK_KEY)
    assert escalation_jobs.workflow_timers_fire() == 1


def test_a_fired_rung_is_mailed_through_smtp_and_its_pdf_rendered_by_the_worker(
    celery_worker, smtp_server, proposal_277, kjj_officer
):
    make_reminder_due(proposal_277)
    escalation_jobs.workflow_timers_fire.delay()

    assert wait_for(lambda: Notification.objects.filter(channel="email", status="sent").exists())
    assert wait_for(lambda: Notice.objects.exclude(pdf="").exists())
    (envelope,) = smtp_server.messages
    assert envelope.rcpt_tos == ["kjj_officer@example.cn"]
    message = email.message_from_bytes(envelope.content)
    row = Notification.objects.get(channel="email")
    assert message["X-Idempotency-Key"] == row.idempotency_key
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@localhost>")
    body = message.get_payload(decode=True).decode()
    assert "关于在南通市组织社会大众聚力创新的建议" in body
    assert f"{settings.SITE_URL}{proposal_277.get_absolute_url()}" in body
    notice = Notice.objects.get()
    assert notice.pdf.read(5) == b"%PDF-"


def test_the_sweep_sends_a_message_whose_task_was_lost_exactly_once(celery_worker, smtp_server, kjj_officer):
    # the row was stored, but its queued task never reached a worker
    rows = outbox.message_rows(
        user=kjj_officer,
        topic="digest",
        subject="【每日待办提醒】",
        body="您有1项待办事项",
        url="/",
        key="lost",
    )
    Notification.objects.bulk_create([Notification(**row) for row in rows])
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))

    notification_jobs.outbox_sweep.delay()
    assert wait_for(lambda: Notification.objects.filter(channel="email", status="sent").exists())
    # the same row queued again, by the sweep and directly, then a sentinel message behind them
    notification_jobs.outbox_sweep.delay()
    delivery.notifications_send.delay(list(Notification.objects.values_list("pk", flat=True)))
    sentinel = outbox.message_rows(
        user=kjj_officer, topic="digest", subject="sentinel", body="sentinel", url="/", key="sentinel"
    )
    outbox.notifications_store(sentinel)
    assert wait_for(
        lambda: Notification.objects.filter(subject="sentinel", channel="email", status="sent").exists()
    )
    # the worker handles its queue in order: the repeats came before the sentinel and sent nothing
    assert [envelope.content.count(b"sentinel") > 0 for envelope in smtp_server.messages] == [False, True]


def start_worker_process(smtp_port):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "NOTIFICATION_RETRY_SECONDS": "1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"),
    reason="a worker in another process shares the test database on PostgreSQL and the broker on Redis",
)
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_is_recovered_by_the_sweep_not_by_the_brokers_redelivery(kjj_officer):
    """The broker would give the dead worker's message to another worker only after
    ``visibility_timeout`` (an hour); the outbox sweep, every minute, is what recovers the row as
    soon as its claim runs out. The broker's late redelivery then finds it sent and sends nothing."""
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == 3600
    sink = MailSink(hold_first=True)
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    first = start_worker_process(controller.port)
    second = None
    try:
        with transaction.atomic():
            outbox.notifications_store(
                outbox.message_rows(
                    user=kjj_officer,
                    topic="urging",
                    subject="【催办】",
                    body="请立即办理。",
                    url="/",
                    key="kill",
                )
            )
        row = Notification.objects.get(channel="email")

        # the worker is in the middle of the SMTP conversation: kill it
        assert sink.first_arrived.wait(120)
        first.send_signal(signal.SIGKILL)
        first.wait(30)
        row.refresh_from_db()
        assert (row.status, row.attempts, row.sent_at) == (Notification.Status.PENDING, 1, None)
        assert sink.messages == []

        second = start_worker_process(controller.port)
        # once the dead worker's claim runs out, the sweep queues the row again
        assert wait_for(lambda: outbox.notifications_sweep() == 1, seconds=30)
        assert wait_for(lambda: Notification.objects.get(pk=row.pk).status == Notification.Status.SENT, 120)
        assert outbox.notifications_sweep() == 0
        row.refresh_from_db()
        assert row.attempts == 2
        assert len(sink.messages) == 1
        message = email.message_from_bytes(sink.messages[0].content)
        assert message["X-Idempotency-Key"] == row.idempotency_key
        # the dead worker's delivery is still unacknowledged in Redis, waiting out its hour: the
        # message went out through the sweep, not through a redelivery
        with celery_app.connection_for_write() as broker:
            assert broker.default_channel.client.hlen(broker.default_channel.unacked_key) >= 1
        # when the broker does hand it out again, the row is sent already: nothing goes out
        assert delivery.notification_deliver(notification_id=row.pk) is False
        assert len(sink.messages) == 1
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
                worker.wait(30)
        controller.stop()
