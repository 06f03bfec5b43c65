"""通知 in the product: the header's unread count, the list, mark as read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workflows.notifications import outbox
from workflows.notifications.models import Notification


def notify(user, key, subject="【催办】第277号建议", url="/proposals/1/"):
    outbox.notifications_store(
        outbox.message_rows(user=user, topic="urging", subject=subject, body="请立即办理。", url=url, key=key)
    )
    return Notification.objects.get(idempotency_key=f"{key}:{user.pk}:in_app")


@pytest.fixture
def two_messages(kjj_officer):
    return notify(kjj_officer, "one"), notify(kjj_officer, "two", subject="【督办】第278号建议")


def test_the_header_shows_the_unread_count_on_every_page(client, kjj_officer, two_messages):
    client.force_login(kjj_officer)
    page = client.get(reverse("proposals:index")).content.decode()
    assert 'id="notification-bell"' in page
    assert "2条未读通知" in page


def test_the_list_shows_only_the_users_own_messages(client, kjj_officer, kx_officer, two_messages):
    notify(kx_officer, "other", subject="给科协的通知")
    client.force_login(kjj_officer)
    response = client.get(reverse("desk:notification_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "【督办】第278号建议" in page and "【催办】第277号建议" in page
    assert "给科协的通知" not in page
    assert page.count('class="unread"') == 2


def test_opening_a_message_marks_it_read_and_follows_its_link(client, kjj_officer, two_messages):
    first, second = two_messages
    client.force_login(kjj_officer)
    response = client.post(reverse("desk:notification_read", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/proposals/1/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert "1条未读通知" in client.get(reverse("desk:notification_list")).content.decode()


def test_mark_all_as_read(client, kjj_officer, two_messages):
    client.force_login(kjj_officer)
    response = client.post(reverse("desk:notifications_read_all"), follow=True)
    assert response.status_code == 200
    assert "已将2条通知标为已读。" in response.content.decode()
    assert not Notification.objects.filter(recipient=kjj_officer, channel="in_app", read_at=None).exists()
    assert "未读通知" not in response.content.decode()


def test_nobody_marks_another_persons_message(client, jyj_officer, two_messages):
    first, _second = two_messages
    client.force_login(jyj_officer)
    assert client.post(reverse("desk:notification_read", args=[first.pk])).status_code == 404
    client.post(reverse("desk:notifications_read_all"))
    first.refresh_from_db()
    assert first.read_at is None


def test_marking_is_post_only(client, kjj_officer, two_messages):
    client.force_login(kjj_officer)
    assert client.get(reverse("desk:notification_read", args=[two_messages[0].pk])).status_code == 405
    assert client.get(reverse("desk:notifications_read_all")).status_code == 405


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("desk:notification_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_list_query_count_does_not_grow_with_messages(client, kjj_officer):
    notify(kjj_officer, "first")
    client.force_login(kjj_officer)
    client.get(reverse("desk:notification_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("desk:notification_list"))
    for number in range(10):
        notify(kjj_officer, f"more-{number}")
    with CaptureQueriesContext(connection) as eleven:
        response = client.get(reverse("desk:notification_list"))
    assert response.content.decode().count("请立即办理。") == 11
    assert len(eleven) == len(one)
