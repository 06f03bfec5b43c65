"""The notification outbox: channels, claims, retries, the sweep, SMS backends, the morning digest."""

import datetime
import email
import email.header
import http.server
import json
import logging
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import free_port, make_user
from tests.factories import register_and_assign
from workflows.desk import digest as desk_digest
from workflows.escalation import dispatcher, extensions
from workflows.notifications import delivery, outbox
from workflows.notifications.models import Notification
from workflows.notifications.sms import HttpSmsBackend, LoggingSmsBackend

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return time_machine.travel(datetime.datetime(*args, tzinfo=SHANGHAI), tick=False)


def store(user, key="test", sms="短信内容"):
    rows = outbox.message_rows(
        user=user,
        topic="urging",
        subject="【催办】测试",
        body="请立即办理。",
        sms=sms,
        url="/proposals/1/",
        key=key,
    )
    outbox.notifications_store(rows)
    return {row.channel: row for row in Notification.objects.filter(idempotency_key__startswith=f"{key}:")}


@pytest.fixture
def officer(kjj_officer):
    kjj_officer.mobile = "13800000001"
    kjj_officer.save()
    return kjj_officer


def test_a_message_is_stored_once_per_channel_the_person_can_receive(officer, kjj):
    rows = store(officer)
    assert set(rows) == {"in_app", "email", "sms"}
    assert rows["in_app"].status == Notification.Status.SENT
    assert rows["email"].status == rows["sms"].status == Notification.Status.PENDING
    assert rows["email"].address == "kjj_officer@example.cn"
    assert rows["sms"].body == "短信内容"
    no_contact = make_user("kjj_clerk", "赵六", kjj, "officer")
    no_contact.email = ""
    no_contact.save()
    assert set(store(no_contact, key="other")) == {"in_app"}


def test_email_goes_over_smtp_once_with_its_idempotency_key(officer, smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "联席会议办公室 <dubian@example.gov.cn>"
    row = store(officer)["email"]
    assert delivery.notification_deliver(notification_id=row.pk)
    assert not delivery.notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.SENT, 1)
    (envelope,) = smtp_server.messages
    message = email.message_from_bytes(envelope.content)
    assert message["X-Idempotency-Key"] == row.idempotency_key
    assert message["Message-ID"].endswith("@example.gov.cn>")
    assert message["Subject"] and "催办" in str(
        email.header.make_header(email.header.decode_header(message["Subject"]))
    )


def test_a_message_claimed_by_a_live_worker_is_not_sent_again(officer, smtp_server):
    row = store(officer)["email"]
    Notification.objects.filter(pk=row.pk).update(
        claimed_until=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert not delivery.notification_deliver(notification_id=row.pk)
    assert smtp_server.messages == []


def test_a_failed_send_stays_pending_and_the_sweep_retries_it_after_the_timeout(officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    with at(2024, 2, 19, 9, 0):
        row = store(officer)["email"]
        assert not delivery.notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.PENDING, 1)
    assert "ConnectionRefusedError" in row.last_error
    # the SMS row was never claimed: it is swept once it has waited the retry timeout
    with at(2024, 2, 19, 9, 4):
        assert outbox.notifications_sweep() == 0
    with at(2024, 2, 19, 9, 5, 1):
        assert outbox.notifications_sweep() == 2


def test_it_gives_up_after_the_last_attempt(officer, settings):
    settings.SMS_BACKEND = "workflows.notifications.sms.HttpSmsBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{free_port()}/send"
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    row = store(officer)["sms"]
    assert not delivery.notification_deliver(notification_id=row.pk)
    Notification.objects.filter(pk=row.pk).update(claimed_until=None)
    assert not delivery.notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.FAILED, 2)
    assert outbox.notifications_sweep() == 0


def test_retries_back_off_doubling_up_to_an_hour(officer, settings):
    settings.SMS_BACKEND = "workflows.notifications.sms.HttpSmsBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{free_port()}/send"
    settings.NOTIFICATION_RETRY_SECONDS = 300
    row = store(officer)["sms"]
    waits = []
    for _attempt in range(6):
        with at(2024, 2, 19, 9, 0):
            assert not delivery.notification_deliver(notification_id=row.pk)
            row.refresh_from_db()
            waits.append(round((row.claimed_until - timezone.now()).total_seconds() / 60))
        Notification.objects.filter(pk=row.pk).update(claimed_until=None)
    assert waits == [5, 10, 20, 40, 60, 60]
    assert row.status == Notification.Status.PENDING


def test_the_default_sms_backend_writes_to_the_log(officer, caplog):
    row = store(officer)["sms"]
    with caplog.at_level(logging.INFO, logger="workflows.notifications.sms"):
        assert delivery.notification_deliver(notification_id=row.pk)
    assert "SMS to 13800000001" in caplog.text and "短信内容" in caplog.text
    assert isinstance(delivery.sms_backend(), LoggingSmsBackend)


class Gateway(http.server.BaseHTTPRequestHandler):
    received = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Gateway.received.append((dict(self.headers), json.loads(body)))
        self.send_response(Gateway.status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    Gateway.received, Gateway.status = [], 200
    server = http.server.HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "workflows.notifications.sms.HttpSmsBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    yield Gateway
    server.shutdown()
    server.server_close()


def test_the_http_gateway_posts_the_message_with_its_request_id(officer, gateway):
    row = store(officer)["sms"]
    assert isinstance(delivery.sms_backend(), HttpSmsBackend)
    assert delivery.notification_deliver(notification_id=row.pk)
    ((headers, payload),) = gateway.received
    assert payload == {"mobile": "13800000001", "text": "短信内容", "request_id": row.idempotency_key}
    assert headers["Authorization"] == "Bearer secret-token"
    assert headers["Idempotency-Key"] == row.idempotency_key


def test_a_gateway_error_keeps_the_sms_pending(officer, gateway):
    gateway.status = 503
    row = store(officer)["sms"]
    assert not delivery.notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING
    assert "503" in row.last_error


def test_beat_sends_the_digest_at_half_past_eight():
    schedule = settings.CELERY_BEAT_SCHEDULE["morning-digest"]
    assert schedule["task"] == "desk.morning_digest"
    assert schedule["schedule"] == crontab(hour=8, minute=30)


@pytest.fixture
def assigned_277(kjj, kx):
    """Proposal 277 assigned to 科技局 on Monday 5 Feb 2024: sign for by Sunday 18 Feb."""

    with at(2024, 2, 5, 10, 0):
        proposal = register_and_assign(lead=kjj, co_handlers=[kx])
    return proposal


def digests(user):
    return Notification.objects.filter(recipient=user, topic="digest", channel="in_app")


def test_the_morning_digest_lists_each_persons_pending_work(assigned_277, kjj_officer, kjj_head, jyj_officer):
    with at(2024, 2, 7, 9, 0):
        dispatcher.timers_fire()
    # Sunday 18 Feb 2024 is a make-up working day
    with at(2024, 2, 18, 8, 30):
        told = desk_digest.digests_queue()
    assert told == 2  # the 科技局 officer and head see the sign-for task; the outsider has nothing
    (digest,) = digests(kjj_officer)
    assert digest.subject == "【每日待办提醒】您有1项待办事项"
    assert "第277号建议《关于在南通市组织社会大众聚力创新的建议》——签收" in digest.body
    assert "期限2024年2月18日（临期）" in digest.body
    assert not digests(jyj_officer).exists()
    assert Notification.objects.filter(recipient=kjj_officer, topic="digest", channel="email").exists()

    # a second run the same morning sends nothing new
    with at(2024, 2, 18, 9, 0):
        desk_digest.digests_queue()
    assert digests(kjj_officer).count() == 1


def test_there_is_no_digest_on_a_day_off(assigned_277, kjj_officer):
    with at(2024, 2, 12, 8, 30):  # Spring Festival
        assert desk_digest.digests_queue() == 0
    with at(2024, 2, 17, 8, 30):  # Saturday inside the holiday
        assert desk_digest.digests_queue() == 0
    assert not Notification.objects.filter(topic="digest").exists()


def test_the_secretariats_digest_counts_extension_requests(assigned_277, kjj_officer, secretariat):
    deadline = assigned_277.open_deadlines().get()
    with at(2024, 2, 6, 10, 0):
        extensions.extension_request(
            deadline=deadline,
            requested_due=datetime.date(2024, 2, 26),
            reason="需要会同多个部门研究",
            user=kjj_officer,
        )
    with at(2024, 2, 7, 8, 30):
        desk_digest.digests_queue()
    (digest,) = digests(secretariat)
    assert "另有1项延期申请待审批" in digest.body


def test_a_subject_never_carries_a_line_break_into_an_email_header(kjj_officer, smtp_server):
    rows = outbox.message_rows(
        user=kjj_officer,
        topic=Notification.Topic.ASSIGNMENT,
        subject="【交办】第1号建议《第一行\r\nBcc: attacker@example.com\x07》",
        body="正文",
        url="",
        key="header-test",
    )
    assert {row["subject"] for row in rows} == {"【交办】第1号建议《第一行 Bcc: attacker@example.com》"}
    (email_id,) = outbox.notifications_store(rows)
    assert delivery.notification_deliver(notification_id=email_id)
    (envelope,) = smtp_server.messages
    assert envelope.rcpt_tos == [kjj_officer.email]
    message = email.message_from_bytes(envelope.content)
    assert message["Bcc"] is None
    assert "\n" not in str(email.header.make_header(email.header.decode_header(message["Subject"])))


@pytest.mark.parametrize("people", [1, 200])  # 3 rows each: a step's messages, and a COPY's worth
def test_stored_rows_return_the_ids_of_the_pending_ones_to_queue(
    django_capture_on_commit_callbacks, kjj, people
):
    users = [make_user(f"p{n}", f"人{n}", kjj, "officer") for n in range(people)]
    for user in users:
        user.mobile = f"1380000{user.pk:04}"
    rows = [
        row
        for user in users
        for row in outbox.message_rows(
            user=user, topic="urging", subject="催办", body="请办理。", sms="短信", url="/", key="batch"
        )
    ]
    assert (len(rows) >= outbox.COPY_FROM) == (people == 200)
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as statements:
        ids = outbox.notifications_store(rows)
    if people == 1:  # one INSERT … RETURNING: no COPY, and no second statement to find the ids
        assert [query["sql"].split()[0] for query in statements] == ["INSERT"]
    pending = Notification.objects.filter(
        idempotency_key__startswith="batch:", status=Notification.Status.PENDING
    )
    assert sorted(ids) == sorted(pending.values_list("pk", flat=True)) and len(ids) == 2 * people
    assert Notification.objects.filter(idempotency_key__startswith="batch:").count() == 3 * people
    assert len(callbacks) == -(-len(ids) // outbox.QUEUE_CHUNK)  # a sending task per chunk, after commit
