"""The read-only admin pages of the escalation records and the outbox open for administrators."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import UserFactory, register_and_assign
from workflows.escalation import dispatcher, extensions
from workflows.escalation.models import Deadline, Extension, Notice
from workflows.notifications.models import Notification

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def records(kjj, kx, kjj_officer):
    with time_machine.travel(datetime.datetime(2024, 2, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        proposal = register_and_assign(lead=kjj, co_handlers=[kx])
    with time_machine.travel(datetime.datetime(2024, 2, 19, 9, 0, tzinfo=SHANGHAI), tick=False):
        dispatcher.timers_fire()
        extensions.extension_request(
            deadline=Deadline.objects.get(object_id=proposal.pk),
            requested_due=datetime.date(2024, 2, 26),
            reason="需会同科协研究",
            user=kjj_officer,
        )
    return [
        Deadline.objects.get(),
        Notice.objects.first(),
        Extension.objects.get(),
        Notification.objects.first(),
    ]


def test_every_read_only_admin_page_opens(client, records):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    for record in records:
        opts = record._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        assert client.get(changelist).status_code == 200, changelist
        assert client.get(change).status_code == 200, change
        # read-only: no add page
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        assert client.get(add).status_code == 403
