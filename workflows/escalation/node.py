"""The ladder as a viewflow node: a flow plugs a step into it with one line, next to the step::

    sign_for__timeout = Ladder(this.sign_for, terms=this.sign_for_terms)

``terms(task)`` says whose deadline it is (``DeadlineTerms``). When the step opens, the ladder
opens its ``Deadline`` and schedules the timer of its first rung (``rungs``); each rung, when its
timer fires, issues one ``Notice`` (``notices``) and schedules the next. When the step is done,
viewflow cancels the scheduled timer and the deadline closes.

The node keeps viewflow's naming rule for boundary timers: ``<step>__timeout``. Renaming it
orphans the scheduled rows, so treat a rename as a data migration.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy
from viewflow import this
from viewflow.workflow.activation import Activation
from viewflow.workflow.flow.nodes import TimerBoundary
from viewflow.workflow.nodes.boundary import TimerBoundaryActivation
from viewflow.workflow.status import STATUS

from workflows.escalation.deadlines import deadline_open
from workflows.escalation.models import Deadline
from workflows.escalation.notices import escalation_fire
from workflows.escalation.rungs import LadderRule


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
        """The step is done: cancel its scheduled rung and close its deadline, one statement each
        (viewflow loads each armed timer and its process to cancel it; cancelling a timer only
        sets its status and finish time)."""
        task = signal_kwargs["task"]
        if task.flow_task != self._attached_to:
            return
        finished = timezone.now()
        task_class = self.flow_class.task_class
        # the timers that follow the task, by the link table's index (a join on ``previous`` would
        # make the UPDATE read the task table twice)
        following = task_class.previous.through.objects.filter(to_task_id=task.pk).values("from_task_id")
        task_class._default_manager.filter(
            pk__in=following,
            flow_task=self,
            process_id=task.process_id,
            status__in=[STATUS.NEW, STATUS.SCHEDULED],
        ).update(status=STATUS.CANCELED, finished=finished)
        Deadline.objects.filter(task=task, closed_at__isnull=True).update(closed_at=finished)


def ladder_of(task):
    for event in task.flow_task._boundary_events:
        if isinstance(event, Ladder):
            return event
    return None
