"""The lights of a page of subjects worked out in Python (``lights_of``, for the lists) agree with
the annotation the lists filter on (``with_light``), deadline by deadline and user by user."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from viewflow.workflow.models import Task

from tasks.proposals.models import Proposal
from tests.workflows.escalation.test_ladder import assign
from workflows.escalation.lights import lights_of, with_light
from workflows.escalation.models import Deadline, Light

SHANGHAI = ZoneInfo("Asia/Shanghai")


def proposal(number, lead, co_handlers=()):
    return Proposal.objects.get(pk=assign(number, lead, co_handlers).object_id)


def test_page_lights_agree_with_the_filter_for_every_state_and_user(
    kjj, kx, kjj_officer, kx_officer, secretariat
):
    with time_machine.travel(datetime.datetime(2024, 3, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
        subjects = [proposal(n, kjj, [kx] if n % 2 else []) for n in range(1, 8)]
        today = datetime.date(2024, 3, 4)
        late_close = datetime.datetime(2024, 3, 2, 10, 0, tzinfo=SHANGHAI)
        states = [
            {"light": Light.YELLOW},  # open, on its way to the deadline
            {"due": today - datetime.timedelta(days=1), "light": Light.GREEN},  # open, past due: red
            {"due": today - datetime.timedelta(days=5), "closed_at": late_close},  # 逾期办结
            {"due": today, "closed_at": late_close},  # done in time: green
            {"light": Light.RED},
            None,  # no deadline at all: green
            {"light": Light.GREEN},
        ]
        for subject, state in zip(subjects, states, strict=True):
            deadlines = Deadline.objects.filter(object_id=subject.pk)
            if state is None:
                deadlines.delete()
            else:
                deadlines.update(**state)
        # a cooperating department's own step, which the lead department does not see (on the
        # process's start task: a deadline belongs to one task)
        first = Deadline.objects.get(object_id=subjects[0].pk)
        Deadline.objects.create(
            task=Task.objects.filter(process=first.task.process).exclude(pk=first.task_id).first(),
            content_type=first.content_type,
            object_id=subjects[0].pk,
            department=kx,
            due=today - datetime.timedelta(days=2),
            original_due=today - datetime.timedelta(days=2),
        )
        page = list(Proposal.objects.filter(pk__in=[s.pk for s in subjects]))
        for user in (kjj_officer, kx_officer, secretariat):
            annotated = with_light(Proposal.objects.filter(pk__in=[s.pk for s in subjects]), user)
            assert lights_of(page, user) == dict(annotated.values_list("pk", "light"))
        assert lights_of(page, kjj_officer)[subjects[0].pk] == Light.YELLOW
        assert lights_of(page, secretariat)[subjects[0].pk] == Light.RED  # 科协's overdue step
        assert [lights_of(page, secretariat)[s.pk] for s in subjects[1:]] == [
            Light.RED,
            Light.LATE,
            Light.GREEN,
            Light.RED,
            Light.GREEN,
            Light.GREEN,
        ]
