"""The escalation ladder (督办) on every flow step with a deadline, and the timer dispatcher.

A flow plugs a step into the ladder with one line, a boundary timer next to the step::

    sign_for__timeout = escalation.Ladder(this.sign_for, terms=this.sign_for_terms)

``terms(task)`` says whose deadline it is (``DeadlineTerms``). When the step opens, the ladder
opens its ``Deadline`` and schedules one viewflow timer row for the next rung: a yellow reminder
N working days before the deadline, a 催办 on the first working day after it (to the officer and
the department head), a 督办 M working days after it (also to the responsible leaders), then the
督办 again every week while the step stays overdue. Each rung, when its timer fires, issues one
``Notice`` (unique per deadline, round, kind and repeat), records it in the subject's timeline,
sets the light, queues its notifications and PDF, and schedules the timer of the next rung. When
the step is done, viewflow cancels the scheduled timer and the deadline closes.

The node keeps viewflow's naming rule for boundary timers: ``<step>__timeout``. Renaming it
orphans the scheduled rows, so treat a rename as a data migration.

``timers_fire`` is the dispatcher that the Celery beat task runs. It claims due timers in batches
(``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL), locks their processes the way viewflow's
``select_for_update_lock`` does (skipping a process another transaction holds), and fires the
ladder timers of a batch with a few bulk writes. Any other viewflow timer goes through viewflow's
own activation. A timer fires in the transaction that marks it done, so two dispatchers never
fire it twice, and a dispatcher that dies mid-batch leaves the batch due for the next one.
"""

import datetime
import functools
import itertools
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import this
from viewflow.workflow.activation import Activation
from viewflow.workflow.flow.nodes import TimerBoundary
from viewflow.workflow.models import Process, Task
from viewflow.workflow.nodes.boundary import TimerBoundaryActivation
from viewflow.workflow.status import STATUS

from accounts.audit import audit_record, audit_record_many
from accounts.models import AuditEvent, Department, Role, User, UserRole
from workflows import notifications
from workflows.calendar import (
    add_working_days,
    calendar_reload,
    calendar_version,
    next_working_day,
    subtract_working_days,
    uncovered_years,
    working_day_on_or_after,
    working_days_between,
)
from workflows.models import Deadline, Light, Notice, Notification

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# what firing a rung reads of a deadline, its step's task and its department
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
RESCHEDULE_MARGIN = datetime.timedelta(days=60)
LIGHT_SEVERITY = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}
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


@dataclass(frozen=True)
class DeadlineTerms:
    """Whose deadline a step has: the duty or proposal, the responsible department, the date, and
    the latest date an extension may reach under the process rule."""

    subject: models.Model
    department: Department
    due: datetime.date
    cap: datetime.date | None = None


@dataclass(frozen=True)
class LadderRule:
    remind_before: int
    supervise_after: int
    repeat_every: int
    notice_time: datetime.time


@dataclass(frozen=True)
class Rung:
    """One rung of the ladder: what is issued and when."""

    kind: str
    sequence: int
    at: datetime.datetime

    @property
    def light(self):
        return Light.YELLOW if self.kind == Notice.Kind.REMINDER else Light.RED


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def _moment(day, rule):
    """The notice time of ``day`` in the deployment's time zone (TIME_ZONE)."""
    return timezone.make_aware(
        datetime.datetime.combine(day, rule.notice_time), timezone.get_default_timezone()
    )


@functools.lru_cache(maxsize=4096)
def _ladder_start(due, rule, version):
    """The first three rungs of a deadline; many deadlines share a date, and a dispatcher pass
    fires thousands of timers (``version`` renews the cache when the calendar changes)."""
    supervise_day = add_working_days(due, rule.supervise_after)
    return (
        Rung(Notice.Kind.REMINDER, 0, _moment(subtract_working_days(due, rule.remind_before), rule)),
        Rung(Notice.Kind.URGING, 0, _moment(next_working_day(due), rule)),
        Rung(Notice.Kind.SUPERVISION, 0, _moment(supervise_day, rule)),
    )


def ladder_rungs(due, rule):
    """The rungs of a deadline in order; endless while the 督办 repeats weekly."""
    start = _ladder_start(due, rule, calendar_version())
    yield from start
    if rule.repeat_every:
        day = timezone.localdate(start[-1].at, timezone.get_default_timezone())
        for sequence in itertools.count(1):
            # from the previous repeat, so a long holiday never bunches two repeats together
            day = working_day_on_or_after(day + datetime.timedelta(days=rule.repeat_every))
            yield Rung(Notice.Kind.SUPERVISION, sequence, _moment(day, rule))


def rung_first(due, rule, now):
    """The first rung to schedule when a step opens, and the light it opens with.

    A step that opens after its reminder moment starts yellow and skips the reminder; any later
    rung that is already due fires on the next dispatcher pass.
    """
    rungs = ladder_rungs(due, rule)
    reminder = next(rungs)
    if reminder.at > now:
        return reminder, Light.GREEN
    return next(rungs), Light.YELLOW


def rung_to_issue(kind, sequence, due, rule, now):
    """The rung a due timer issues: its own, except that weekly repeats missed during an outage
    collapse into the latest one. Every rung up to the first 督办 is issued even when late."""
    rungs = ladder_rungs(due, rule)
    for rung in itertools.islice(rungs, sequence + 3):
        if (rung.kind, rung.sequence) == (kind, sequence):
            break
    else:
        return None
    if rung.sequence == 0:
        return rung
    for later in rungs:
        if later.at > now:
            break
        rung = later
    return rung


def rung_after(kind, sequence, due, rule):
    """The rung that follows, or None when the ladder ends there."""
    rungs = ladder_rungs(due, rule)
    for rung in itertools.islice(rungs, sequence + 3):
        if (rung.kind, rung.sequence) == (kind, sequence):
            return next(rungs, None)
    return None


class LadderActivation(TimerBoundaryActivation):
    @Activation.status.transition(source=STATUS.STARTED)
    def execute(self):
        """Fired through viewflow's own ``fire_due_timers``: issue this rung like the dispatcher."""
        self.complete()
        escalation_fire(timers=[self.task])


class Ladder(TimerBoundary):
    """The escalation ladder of one step: a non-interrupting boundary timer that re-arms itself.

    ``terms`` is a flow method ``task -> DeadlineTerms`` (or None for no deadline). The numbers
    default to the ESCALATION_* settings; a step may set its own.
    """

    activation_class = LadderActivation

    def __init__(self, attached_to, *, terms, remind_before=None, supervise_after=None, repeat_every=None):
        super().__init__(attached_to, delay=None, interrupting=False)
        self._terms = terms
        self._remind_before = remind_before
        self._supervise_after = supervise_after
        self._repeat_every = repeat_every
        self.task_title = gettext_lazy("Escalation")

    def _resolve(self, instance):
        super()._resolve(instance)
        self._terms = this.resolve(instance, self._terms)

    @property
    def rule(self):
        def pick(value, default):
            return default if value is None else value

        return LadderRule(
            remind_before=pick(self._remind_before, settings.ESCALATION_REMIND_WORKING_DAYS),
            supervise_after=pick(self._supervise_after, settings.ESCALATION_SUPERVISE_WORKING_DAYS),
            repeat_every=pick(self._repeat_every, settings.ESCALATION_REPEAT_DAYS),
            notice_time=settings.ESCALATION_NOTICE_TIME,
        )

    def terms(self, task):
        return self._terms(task)

    def _arm(self, host_activation):
        deadline_open(ladder=self, task=host_activation.task)

    def _on_host_finished(self, **signal_kwargs):
        super()._on_host_finished(**signal_kwargs)
        task = signal_kwargs["task"]
        if task.flow_task == self._attached_to:
            Deadline.objects.filter(task=task, closed_at__isnull=True).update(closed_at=timezone.now())


def _ladder_of(task):
    for event in task.flow_task._boundary_events:
        if isinstance(event, Ladder):
            return event
    return None


def _timer_new(ladder, task, deadline, rung):
    return Task(
        process_id=task.process_id,
        flow_task=ladder,
        flow_task_type=ladder.task_type,
        status=STATUS.SCHEDULED,
        token=task.token,
        scheduled=rung.at,
        data={"deadline": deadline.pk, "round": deadline.round, "kind": rung.kind, "sequence": rung.sequence},
    )


def _timers_save(pairs):
    """Insert new timer rows; ``pairs`` are (timer, host task) and each timer follows its host."""
    if not pairs:
        return
    Task.objects.bulk_create([timer for timer, _host in pairs])
    Task.previous.through.objects.bulk_create(
        [Task.previous.through(from_task_id=timer.pk, to_task_id=host.pk) for timer, host in pairs]
    )


def deadline_open(*, ladder, task, now=None):
    """Open the deadline of a step that has just been created and schedule its first rung."""
    terms = ladder.terms(task)
    if terms is None or terms.due is None:
        return None
    now = now or timezone.now()
    rung, light = rung_first(terms.due, ladder.rule, now)
    deadline = Deadline.objects.create(
        task=task,
        content_type=ContentType.objects.get_for_model(terms.subject),
        object_id=terms.subject.pk,
        department=terms.department,
        original_due=terms.due,
        due=terms.due,
        cap=terms.cap,
        light=light,
        opened_at=now,
    )
    _timers_save([(_timer_new(ladder, task, deadline, rung), task)])
    return deadline


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
            if deadline is None:
                _legacy_timer_adopt(timer, now)
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
                new_timers.append((_timer_new(timer.flow_task, task, deadline, upcoming), task))

        Notice.objects.bulk_create(notices)
        _deadlines_save(changed.values())
        _timers_save(new_timers)
        _notices_announce(notices, subjects)
    return notices


def _deadlines_save(deadlines):
    """Store the new lights and closings, one UPDATE per distinct value."""
    by_value = defaultdict(list)
    for deadline in deadlines:
        by_value[(deadline.light, deadline.closed_at)].append(deadline.pk)
    for (light, closed_at), ids in by_value.items():
        Deadline.objects.filter(pk__in=ids).update(light=light, closed_at=closed_at)


def _legacy_timer_adopt(timer, now):
    """A timer scheduled before its step had a ladder: open the step's deadline instead."""
    task = timer.previous.first()
    if task is not None and task.finished is None and not Deadline.objects.filter(task=task).exists():
        deadline_open(ladder=timer.flow_task, task=task, now=now)


def _notices_announce(notices, subjects):
    """Record each notice in its subject's timeline and queue its notifications and PDF."""
    if not notices:
        return
    from workflows.tasks import notices_render

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
            rows += notifications.message_rows(
                user=users[user_id],
                topic=NOTIFICATION_TOPICS[notice.kind],
                subject=title,
                body=body,
                sms=sms if notice.kind != Notice.Kind.REMINDER else None,
                url=url,
                key=f"notice:{notice.pk}",
                notice=notice,
            )
    audit_record_many(events)
    notifications.notifications_store(rows)
    ids = [notice.pk for notice in notices]
    for start in range(0, len(ids), notifications.QUEUE_CHUNK):
        notices_render.delay_on_commit(ids[start : start + notifications.QUEUE_CHUNK])


def _due_timers(now, batch_size, skipped):
    timers = Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED, scheduled__lte=now)
    if skipped:
        timers = timers.exclude(pk__in=skipped)
    if connection.features.has_select_for_update_skip_locked:
        timers = timers.select_for_update(skip_locked=True)
    return list(timers.only("process_id", "flow_task", "status", "data").order_by("scheduled")[:batch_size])


def _processes_lock(process_ids):
    """Lock the processes as viewflow's select_for_update_lock does, skipping busy ones."""
    processes = Process.objects.filter(pk__in=process_ids)
    if connection.features.has_select_for_update_skip_locked:
        processes = processes.select_for_update(skip_locked=True)
    return set(processes.values_list("pk", flat=True))


def _timers_done(timers, now):
    Task.objects.filter(pk__in=[timer.pk for timer in timers]).update(
        status=STATUS.DONE, started=now, finished=now
    )


def _timer_failed(timer, exc):
    data = dict(timer.data, _exception={"title": str(exc), "type": type(exc).__name__})
    Task.objects.filter(pk=timer.pk).update(status=STATUS.ERROR, finished=timezone.now(), data=data)


def _ladder_batch_fire(timers, now):
    try:
        with transaction.atomic():
            escalation_fire(timers=timers, now=now)
            _timers_done(timers, now)
    except Exception as exc:
        if len(timers) == 1:
            # one broken timer is set aside (ERROR) so that it never blocks a pass
            logger.exception("Escalation timer %s failed", timers[0].pk)
            _timer_failed(timers[0], exc)
            return
        logger.exception("An escalation batch failed; firing its %d timers one by one", len(timers))
        for timer in timers:
            _ladder_batch_fire([timer], now)


def _viewflow_timer_fire(timer):
    """Any other viewflow timer fires through viewflow's own activation, as fire_due_timers does."""
    from viewflow.workflow.exceptions import FlowLockFailed

    try:
        with transaction.atomic(), timer.activation() as activation:
            start = getattr(activation, "start", None)
            if start is None:
                logger.warning("Timer task %s references a missing node %r", timer.pk, timer.flow_task)
                _timer_failed(timer, LookupError(f"missing flow node {timer.flow_task}"))
                return 0
            if start.can_proceed():
                activation.start()
                activation.execute()
                return 1
    except FlowLockFailed:
        logger.info("Timer task %s is locked by another transaction; next pass", timer.pk)
    except Exception:
        logger.exception("Timer task %s failed to fire", timer.pk)
    return 0


def timers_fire(*, batch_size=BATCH_SIZE):
    """Fire every due workflow timer; returns how many fired.

    Safe to run in several dispatchers at once: a batch is claimed with row locks that other
    dispatchers skip, a timer is fired only under its process lock and marked done in the same
    transaction. A process that another transaction holds is skipped until the next pass.
    """
    fired = 0
    skipped = set()
    while True:
        with transaction.atomic():
            now = timezone.now()
            batch = _due_timers(now, batch_size, skipped)
            if not batch:
                return fired
            locked = _processes_lock({timer.process_id for timer in batch})
            ready = [timer for timer in batch if timer.process_id in locked]
            skipped.update(timer.pk for timer in batch if timer.process_id not in locked)
            ladders = [timer for timer in ready if isinstance(timer.flow_task, Ladder)]
            if ladders:
                _ladder_batch_fire(ladders, now)
                fired += len(ladders)
            for timer in ready:
                if not isinstance(timer.flow_task, Ladder):
                    if _viewflow_timer_fire(timer):
                        fired += 1
                    else:
                        skipped.add(timer.pk)  # failed or not ready: retried on the next pass


def rung_at(kind, sequence, due, rule):
    """When a given rung of a deadline falls, or None when the ladder has no such rung."""
    for rung in itertools.islice(ladder_rungs(due, rule), sequence + 3):
        if (rung.kind, rung.sequence) == (kind, sequence):
            return rung.at
    return None


def timers_reschedule(*, day, now=None):
    """After a correction of ``day`` in the calendar, move the scheduled rungs it shifts.

    A rung falls at most a few weeks from its deadline, except weekly repeats, which chain from
    the first 督办; so only deadlines due before ``day`` plus that margin can be affected.
    Returns how many timers moved.
    """
    now = now or timezone.now()
    calendar_reload()  # this worker's cached calendar predates the correction
    timers = (
        Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED, scheduled__gte=now)
        .filter(
            previous__deadline__closed_at__isnull=True,
            previous__deadline__due__lte=day + RESCHEDULE_MARGIN,
        )
        .annotate(due=models.F("previous__deadline__due"))
    )
    moved = 0
    for timer in timers.iterator(chunk_size=1000):
        if not isinstance(timer.flow_task, Ladder):
            continue
        at = rung_at(timer.data.get("kind"), timer.data.get("sequence", 0), timer.due, timer.flow_task.rule)
        if at is not None and at != timer.scheduled:
            # unless an extension moved the timer meanwhile
            moved += Task.objects.filter(
                pk=timer.pk, status=STATUS.SCHEDULED, scheduled=timer.scheduled
            ).update(scheduled=at)
    return moved


def with_light(queryset):
    """Annotate subjects (duties, proposals) with ``light``: the worst light of their open
    deadlines, green when none is open."""
    # past its due date a step is red at once, before the 催办 goes out the next working day
    effective = Case(
        When(due__lt=timezone.localdate(), then=Value(Light.RED)),
        default=models.F("light"),
        output_field=models.CharField(),
    )
    severity = Case(
        When(effective_light=Light.RED, then=Value(2)),
        When(effective_light=Light.YELLOW, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    worst = (
        Deadline.objects.open()
        .filter(
            content_type=ContentType.objects.get_for_model(queryset.model), object_id=models.OuterRef("pk")
        )
        .annotate(effective_light=effective)
        .annotate(severity=severity)
        .order_by("-severity")
        .values("effective_light")[:1]
    )
    return queryset.annotate(light=Coalesce(models.Subquery(worst), Value(Light.GREEN)))


def light_worst(deadlines):
    """The light of an item: the worst among its open deadlines, green when none is open."""
    lights = [deadline.current_light for deadline in deadlines if deadline.is_open]
    return max(lights, key=LIGHT_SEVERITY.__getitem__, default=Light.GREEN)


def uncovered_deadline_years():
    """Years holding an open deadline whose holiday arrangement nobody has entered yet."""
    years = Deadline.objects.open().dates("due", "year")
    return uncovered_years(day.year for day in years)


@transaction.atomic
def deadlines_reassign(*, subject, department):
    """Open deadlines follow their subject to a new responsible department."""
    return Deadline.objects.open().for_subject(subject).update(department=department)


def deadline_extend(*, deadline, due, now=None):
    """Move a deadline (a new round of the ladder from the new date) and its scheduled timer.

    Runs under the step's flow lock, like any change to the step's tasks.
    """
    now = now or timezone.now()
    task = deadline.task
    with task.flow_task.flow_class.lock(task.process_id):
        deadline = Deadline.objects.select_related("task").get(pk=deadline.pk)
        ladder = _ladder_of(deadline.task)
        rung, light = rung_first(due, ladder.rule, now)
        deadline.due = due
        deadline.round += 1
        deadline.light = light
        deadline.save(update_fields=["due", "round", "light"])
        scheduled = [
            timer
            for timer in Task.objects.filter(previous=deadline.task, status=STATUS.SCHEDULED)
            if isinstance(timer.flow_task, Ladder)
        ]
        for timer in scheduled:
            fresh = _timer_new(ladder, deadline.task, deadline, rung)
            timer.scheduled, timer.data = fresh.scheduled, fresh.data
            timer.save(update_fields=["scheduled", "data"])
        if not scheduled:
            _timers_save([(_timer_new(ladder, deadline.task, deadline, rung), deadline.task)])
    return deadline


def _secretariat():
    return User.objects.filter(is_active=True, roles__role=Role.SECRETARIAT).distinct()


@transaction.atomic
def extension_request(*, deadline, requested_due, reason, user):
    """延期申请: the responsible department asks for a later deadline, with a reason."""
    from django.core.exceptions import PermissionDenied

    from workflows.models import Extension

    if user.department_id != deadline.department_id:
        raise PermissionDenied
    deadline = Deadline.objects.select_for_update().select_related("task", "department").get(pk=deadline.pk)
    deadline.validate_extension(requested_due, reason=reason)
    extension = Extension.objects.create(
        deadline=deadline,
        previous_due=deadline.due,
        requested_due=requested_due,
        reason=reason.strip(),
        requested_by=user,
    )
    subject = deadline.subject
    with translation.override(settings.LANGUAGE_CODE):
        step = str(deadline.task.flow_task.task_title)
    summary = (
        f"{deadline.department}申请将“{step}”期限由{chinese_date(deadline.due)}延至"
        f"{chinese_date(requested_due)}，理由：{extension.reason}"
    )
    audit_record(
        action=AuditEvent.Action.SUBMIT,
        summary=summary,
        actor=user,
        obj=subject,
        department=deadline.department,
        after={"extension": extension.pk, "requested_due": requested_due.isoformat()},
    )
    rows = []
    for member in _secretariat():
        rows += notifications.message_rows(
            user=member,
            topic=Notification.Topic.EXTENSION,
            subject=f"【延期申请】{subject_title(subject)}",
            body=summary + "。请审批。",
            url=notifications.extension_list_url(),
            key=f"extension:{extension.pk}:requested",
        )
    notifications.notifications_store(rows)
    return extension


@transaction.atomic
def extension_decide(*, extension, approve, note, user):
    """The secretariat approves (the deadline and its timers move) or declines a request."""
    from workflows.models import Extension

    extension = Extension.objects.select_for_update().select_related("deadline__task").get(pk=extension.pk)
    if extension.status != Extension.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if extension.requested_by_id == user.pk:
        raise ValidationError(_("Another member of the secretariat must decide on your own request."))
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"note": _("Give the reason for not approving the request.")})
    deadline = extension.deadline
    subject = deadline.subject
    with translation.override(settings.LANGUAGE_CODE):
        step = str(deadline.task.flow_task.task_title)
    before = deadline.due
    if approve:
        deadline.validate_extension(extension.requested_due, pending_allowed=True)
        deadline_extend(deadline=deadline, due=extension.requested_due)
        extension.status = Extension.Status.APPROVED
        summary = (
            f"批准{deadline.department}延期申请，“{step}”期限由{chinese_date(before)}延至"
            f"{chinese_date(extension.requested_due)}（原定期限{chinese_date(deadline.original_due)}）"
        )
        action = AuditEvent.Action.EXTEND
        outcome = "已批准"
    else:
        extension.status = Extension.Status.REJECTED
        summary = f"{deadline.department}“{step}”延期申请未获批准：{note}"
        action = AuditEvent.Action.RETURN
        outcome = "未获批准"
    extension.decided_by = user
    extension.decided_at = timezone.now()
    extension.decision_note = note
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        action=action,
        summary=summary + (f"。意见：{note}" if approve and note else ""),
        actor=user,
        obj=subject,
        department=deadline.department,
        before={"due": before.isoformat()},
        after={
            "due": (extension.requested_due if approve else before).isoformat(),
            "extension": extension.pk,
        },
    )
    notifications.notifications_store(
        notifications.message_rows(
            user=extension.requested_by,
            topic=Notification.Topic.EXTENSION,
            subject=f"【延期申请{outcome}】{subject_title(subject)}",
            body=summary + "。",
            url=subject.get_absolute_url(),
            key=f"extension:{extension.pk}:decided",
        )
    )
    return extension
