"""A second process registered the way every process registers shows up in the inbox, the queue,
the digest and the desk page, without touching any shared module."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import path, reverse
from django.views import generic
from viewflow import this
from viewflow.urls import Site
from viewflow.workflow import flow, lock

from config.urls import urlpatterns as site_urlpatterns
from tasks.duties.access import duties_for_user
from tasks.duties.models import Duty, DutyTable, JointMeeting
from tasks.duties.services import ASSIGNMENT
from workflows.assignment import work_assign
from workflows.desk import digest, inbox, registry
from workflows.desk.viewsets import ScopedFlowViewset, ScopedWorkflowAppViewset
from workflows.notifications.models import Notification

SHANGHAI = ZoneInfo("Asia/Shanghai")


class DutyReviewFlow(flow.Flow):
    """A dummy second process: the lead department reviews a duty."""

    process_title = "重点任务审核"
    lock_impl = lock.no_lock

    start = flow.StartHandle(this.start_process).Next(this.review)
    review = (
        flow.View(generic.TemplateView.as_view(template_name="base.html"))
        .Annotation(title="审核")
        .Permission("duties.handle_duty", obj=lambda process: process.artifact)
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation, duty):
        activation.process.artifact = duty
        return activation.process

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated


def duty_processes_for_user(user, queryset):
    return queryset.filter(artifact_object_id__in=duties_for_user(user).values("pk"))


ENTRY = registry.ProcessEntry(
    flow_class=DutyReviewFlow,
    scope=duty_processes_for_user,
    subjects=lambda: Duty.objects.select_related("table"),
    row_template="duties/inbox_row.html",
    subject_url_name="duties:duty_detail",
)


class DummyWorkflows(ScopedWorkflowAppViewset):
    app_name = "dummy_workflows"


urlpatterns = [
    path("dummy/", Site(viewsets=[DummyWorkflows(flow_viewsets=[ScopedFlowViewset(ENTRY)])]).urls),
    *site_urlpatterns,
]


@pytest.fixture
def dummy_process():
    registry.process_register(ENTRY)
    yield ENTRY
    registry.process_unregister(DutyReviewFlow)


@pytest.fixture
def duty_under_review(dummy_process, kjj, kx):
    meeting = JointMeeting.objects.create(name="南通双创联席会议", short_name="双创", office=kjj)
    table = DutyTable.objects.create(meeting=meeting, title="2017年重点任务分解表")
    duty = Duty.objects.create(
        table=table, sequence=3, title="建设众创空间", lead=kjj, status=Duty.Status.ASSIGNED
    )
    # access as 交办 grants it, without the duty's own supervision flow: only the dummy process runs
    work_assign(obj=duty, rule=ASSIGNMENT, lead=kjj, others=[kx])
    DutyReviewFlow.start.run(duty=duty)
    return duty


@pytest.mark.urls("tests.workflows.desk.test_registry")
def test_a_registered_process_appears_in_the_queue_and_on_the_desk(
    client, duty_under_review, kjj_officer, kx_officer
):
    queue = list(inbox.tasks_queue_for_user(kjj_officer))
    assert [task.flow_task for task in queue] == [DutyReviewFlow.review]
    # the cooperating department may read the duty but not take its review
    assert not inbox.tasks_queue_for_user(kx_officer).exists()

    client.force_login(kjj_officer)
    page = client.get(reverse("desk:index")).content.decode()
    assert "建设众创空间" in page and "审核" in page
    client.force_login(kx_officer)
    assert "建设众创空间" not in client.get(reverse("desk:index")).content.decode()


@pytest.mark.urls("tests.workflows.desk.test_registry")
def test_taking_a_registered_process_task_puts_it_in_the_inbox(client, duty_under_review, kjj_officer):
    task = inbox.tasks_queue_for_user(kjj_officer).get()
    client.force_login(kjj_officer)
    response = client.post(reverse("desk:task_take", args=[task.pk]))
    assert response.status_code == 302
    assert list(inbox.tasks_inbox_for_user(kjj_officer)) == [task]
    assert not inbox.tasks_queue_for_user(kjj_officer).exists()


def test_the_morning_digest_lists_a_registered_process(duty_under_review, kjj_officer, kx_officer):
    # Monday 4 March 2024 is a working day
    with time_machine.travel(datetime.datetime(2024, 3, 4, 8, 30, tzinfo=SHANGHAI), tick=False):
        digest.digests_queue()
    message = Notification.objects.get(
        recipient=kjj_officer, topic=Notification.Topic.DIGEST, channel="in_app"
    )
    assert "《建设众创空间》——审核" in message.body
    assert not Notification.objects.filter(recipient=kx_officer, topic=Notification.Topic.DIGEST).exists()


def test_an_unregistered_process_is_nowhere(dummy_process, duty_under_review, kjj_officer):
    registry.process_unregister(DutyReviewFlow)
    assert not inbox.tasks_queue_for_user(kjj_officer).exists()
