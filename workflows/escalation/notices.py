"""Issuing the rungs of the ladder: 提醒单, 催办单 and 督办单.

Each rung, when its timer fires, issues one ``Notice`` (unique per deadline, round, kind and
repeat), records it in the subject's timeline, sets the light, queues its notifications and PDF,
and schedules the timer of the next rung. A batch of timers is issued with a few bulk writes.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from accounts.audit import audit_record_many
from accounts.models import AuditEvent, Role, User, UserRole
from workflows.documents.dates import chinese_date
from workflows.documents.numbering import numbers_take
from workflows.escalation.deadlines import timer_new, timers_save
from workflows.escalation.models import LIGHT_SEVERITY, Deadline, Notice
from workflows.escalation.notice_pdf import notices_render_queue
from workflows.escalation.rungs import rung_after, rung_to_issue
from workflows.notifications import outbox
from workflows.notifications.models import Notification
from workflows.workdays.calendar import working_days_between

DEADLINE_FIELDS = (
    "content_type_id",
    "object_id",
    "due",
    "round",
    "light",
    "closed_at",
    "task__process_id",
    "task__flow_task",
    "task__token",
    "task__owner_id",
    "task__finished",
    "department__name",
)


AUDIT_ACTIONS = {
    Notice.Kind.REMINDER: AuditEvent.Action.REMIND,
    Notice.Kind.URGING: AuditEvent.Action.URGE,
    Notice.Kind.SUPERVISION: AuditEvent.Action.SUPERVISE,
}


NOTIFICATION_TOPICS = {
    Notice.Kind.REMINDER: Notification.Topic.REMINDER,
    Notice.Kind.URGING: Notification.Topic.URGING,
    Notice.Kind.SUPERVISION: Notification.Topic.SUPERVISION,
}


def subject_title(subject):
    """How notices name a duty or proposal: its ``full_title`` when it has one."""
    return getattr(subject, "full_title", None) or str(subject)


def _subjects(deadlines):
    by_type = defaultdict(set)
    for deadline in deadlines:
        by_type[deadline.content_type_id].add(deadline.object_id)
    subjects = {}
    for content_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        for pk, subject in model._default_manager.in_bulk(ids).items():
            subjects[(content_type_id, pk)] = subject
    return subjects


def _staff(deadlines):
    """Per department, its active officers and heads, and the leaders responsible for it."""
    staff = defaultdict(lambda: {Role.OFFICER: [], Role.HEAD: []})
    rows = UserRole.objects.filter(
        role__in=[Role.OFFICER, Role.HEAD],
        user__is_active=True,
        user__department_id__in={deadline.department_id for deadline in deadlines},
    ).values_list("user__department_id", "role", "user_id")
    for department_id, role, user_id in rows.order_by("user_id"):
        staff[department_id][role].append(user_id)
    # the responsible leaders: those overseeing the department, and those overseeing all
    everywhere = list(
        User.objects.filter(is_active=True, roles__role=Role.LEADER, oversees_all=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    leaders = defaultdict(lambda: list(everywhere))
    overseeing = (
        User.oversees.through.objects.filter(
            department_id__in={deadline.department_id for deadline in deadlines},
            user__is_active=True,
            user__roles__role=Role.LEADER,
        )
        .order_by("user_id")
        .values_list("department_id", "user_id")
    )
    for department_id, user_id in overseeing:
        leaders[department_id].append(user_id)
    return staff, leaders


def rung_recipients(kind, deadline, staff, leaders):
    """Who receives a rung: the step's officer (or the department's officers while nobody has
    claimed it), then for 催办 the department heads, and for 督办 also the responsible leaders."""
    department = staff[deadline.department_id]
    officers = [deadline.task.owner_id] if deadline.task.owner_id else department[Role.OFFICER]
    recipients = list(officers or department[Role.HEAD])
    if kind != Notice.Kind.REMINDER:
        recipients += department[Role.HEAD]
    if kind == Notice.Kind.SUPERVISION:
        recipients += leaders[deadline.department_id]
    return list(dict.fromkeys(recipients))


def _rung_texts(notice):
    """Subject, body and SMS text of a rung's notifications, and the line for the timeline."""
    title, step, department = notice.subject_title, notice.step, notice.department_name
    due = chinese_date(notice.due)
    if notice.kind == Notice.Kind.REMINDER:
        left = working_days_between(timezone.localdate(notice.issued_at), notice.due)
        subject = f"【临期提醒】{title}"
        remaining = f"还有{left}个工作日" if left else "今日到期"
        body = f"{department}：{title}的“{step}”环节将于{due}到期（{remaining}），请抓紧办理。"
        sms = f"【临期提醒】{department}：{title}的“{step}”环节将于{due}到期，请抓紧办理。"
        summary = f"“{step}”期限{due}临近，向{department}发出提醒（{notice.reference}）"
    elif notice.kind == Notice.Kind.URGING:
        subject = f"【催办】{title}"
        body = (
            f"{department}：{title}的“{step}”环节已于{due}到期，至今未办理，"
            f"已逾期{notice.days_overdue}个工作日。请立即办理。催办单编号：{notice.reference}。"
        )
        sms = f"【催办】{department}：{title}的“{step}”环节已逾期{notice.days_overdue}个工作日，请立即办理。"
        summary = (
            f"“{step}”已逾期{notice.days_overdue}个工作日，向{department}发出催办单（{notice.reference}）"
        )
    else:
        times = f"第{notice.sequence + 1}次" if notice.sequence else ""
        subject = f"【{times}督办】{title}"
        body = (
            f"{department}：{title}的“{step}”环节已于{due}到期，已逾期{notice.days_overdue}个工作日，"
            f"现予{times}督办。请部门负责人督促落实，并将办理情况报{notice.issuer}。"
            f"督办单编号：{notice.reference}。"
        )
        sms = (
            f"【{times}督办】{department}：{title}的“{step}”环节已逾期{notice.days_overdue}个工作日，"
            f"请督促落实。"
        )
        summary = (
            f"“{step}”已逾期{notice.days_overdue}个工作日，"
            f"向{department}发出{times}督办单（{notice.reference}）"
        )
    return subject, body, sms, summary


def escalation_fire(*, timers, now=None):
    """Issue the rung each ladder timer stands for and schedule the next one.

    ``timers`` are due ladder timers claimed under their process locks; the caller marks them
    done in the same transaction. A timer whose step is done, or that an extension superseded,
    issues nothing. Returns the notices issued.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with translation.override(settings.LANGUAGE_CODE):
        deadlines = (
            Deadline.objects.select_related("task", "department")
            .only(*DEADLINE_FIELDS)
            .in_bulk({timer.data.get("deadline") for timer in timers} - {None})
        )
        subjects = _subjects(deadlines.values())
        notices, new_timers, changed = [], [], {}
        for timer in timers:
            deadline = deadlines.get(timer.data.get("deadline"))
            if deadline is None:  # its step is gone
                continue
            task = deadline.task
            if deadline.closed_at is None and task.finished is not None:
                deadline.closed_at = now
                changed[deadline.pk] = deadline
            if deadline.closed_at is not None or timer.data.get("round") != deadline.round:
                continue
            rule = timer.flow_task.rule
            rung = rung_to_issue(timer.data["kind"], timer.data["sequence"], deadline.due, rule, now)
            if rung is None:
                continue
            notices.append(
                Notice(
                    deadline=deadline,
                    round=deadline.round,
                    kind=rung.kind,
                    sequence=rung.sequence,
                    issued_at=now,
                    year=today.year,
                    due=deadline.due,
                    days_overdue=working_days_between(deadline.due, today),
                    subject_title=subject_title(subjects[(deadline.content_type_id, deadline.object_id)]),
                    step=str(task.flow_task.task_title),
                    department_name=deadline.department.name,
                    issuer=settings.NOTICE_ISSUER,
                )
            )
            if LIGHT_SEVERITY[rung.light] > LIGHT_SEVERITY[deadline.light]:
                deadline.light = rung.light
                changed[deadline.pk] = deadline
            upcoming = rung_after(rung.kind, rung.sequence, deadline.due, rule)
            if upcoming is not None:
                new_timers.append((timer_new(timer.flow_task, task, deadline, upcoming), task))

        _notices_number(notices, today.year)
        Notice.objects.bulk_create(notices)
        _deadlines_save(changed.values())
        timers_save(new_timers)
        _notices_announce(notices, subjects)
    return notices


def _notices_number(notices, year):
    """Number the notices of a batch: one series per kind and year (提, 催, 督 each from 1)."""
    by_kind = defaultdict(list)
    for notice in notices:
        by_kind[notice.kind].append(notice)
    for kind, batch in sorted(by_kind.items()):
        for notice, number in zip(
            batch, numbers_take(key=f"notice:{kind}", year=year, count=len(batch)), strict=True
        ):
            notice.number = number


def _deadlines_save(deadlines):
    """Store the new lights and closings, one UPDATE per distinct value."""
    by_value = defaultdict(list)
    for deadline in deadlines:
        by_value[(deadline.light, deadline.closed_at)].append(deadline.pk)
    for (light, closed_at), ids in by_value.items():
        Deadline.objects.filter(pk__in=ids).update(light=light, closed_at=closed_at)


def _notices_announce(notices, subjects):
    """Record each notice in its subject's timeline and queue its notifications and PDF."""
    if not notices:
        return
    staff, leaders = _staff([notice.deadline for notice in notices])
    recipients = {
        notice.pk: rung_recipients(notice.kind, notice.deadline, staff, leaders) for notice in notices
    }
    users = User.objects.only("pk", "email", "mobile").in_bulk(
        {user_id for user_ids in recipients.values() for user_id in user_ids}
    )
    rows, events = [], []
    for notice in notices:
        deadline = notice.deadline
        subject = subjects[(deadline.content_type_id, deadline.object_id)]
        title, body, sms, summary = _rung_texts(notice)
        events.append(
            {
                "action": AUDIT_ACTIONS[notice.kind],
                "summary": summary,
                "obj": subject,
                "department": deadline.department,
                "restricted": True,  # the lead department's notices: not for co-handlers
                "after": {
                    "notice": notice.pk,
                    "kind": notice.kind,
                    "sequence": notice.sequence,
                    "deadline": notice.due.isoformat(),
                    "days_overdue": notice.days_overdue,
                },
            }
        )
        url = subject.get_absolute_url() if hasattr(subject, "get_absolute_url") else ""
        for user_id in recipients[notice.pk]:
            rows += outbox.message_rows(
                user=users[user_id],
                topic=NOTIFICATION_TOPICS[notice.kind],
                subject=title,
                body=body,
                sms=sms if notice.kind != Notice.Kind.REMINDER else None,
                url=url,
                key=f"notice:{notice.pk}",
            )
    audit_record_many(events)
    outbox.notifications_store(rows)
    notices_render_queue([notice.pk for notice in notices])
