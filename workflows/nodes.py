"""Flow nodes shared by the processes.

``FanOut`` is a parallel split that can open one task per item of a list known only at run
time (one 协办意见 per co-handler). viewflow 2.4.0 documents ``Split.Next(data_source=...)`` but
its ``Next`` takes no such argument and its activation ignores it.

``StartNew`` is viewflow's ``StartHandle`` for a start function that saves the new process
itself, last (to link it to the reply it answers), inside the caller's transaction.

``If`` and ``End`` are viewflow's, without the savepoint each takes around its work. The
savepoint serves a caller that keeps a failed gate as an error task (viewflow's timers and jobs
run nodes with ``propagate_exception=False``); when the error propagates, as in every step a
user completes, the whole transaction rolls back and nothing returns to the savepoint.

The rows of these gates (and of ``FanOut``) are written once, done: viewflow inserts a gate's
task when it is created and updates it when it completes a moment later, under the same lock.
Where an error is kept rather than raised the row is inserted first, as viewflow does, so the
error has a row to be kept on.
"""

from contextlib import contextmanager

from django.db import transaction
from django.utils.timezone import now
from viewflow.workflow.activation import Activation
from viewflow.workflow.context import context
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.flow import nodes as flow_nodes
from viewflow.workflow.flow.nodes import Split, StartHandle
from viewflow.workflow.lock import lock_scope
from viewflow.workflow.nodes.end import EndActivation as ViewflowEndActivation
from viewflow.workflow.nodes.if_gate import IfActivation as ViewflowIfActivation
from viewflow.workflow.nodes.split import SplitActivation
from viewflow.workflow.nodes.start import StartHandleActivation
from viewflow.workflow.signals import flow_finished, flow_started, task_finished, task_started
from viewflow.workflow.status import STATUS


class _Unseen:
    """The lock of a process row that only this transaction can see: nothing to take."""

    @contextmanager
    def __call__(self, flow_class, process_pk):
        yield


class StartNewActivation(StartHandleActivation):
    @Activation.status.transition(source=STATUS.NEW)
    def execute(self):
        """viewflow's start less three statements of each process (an import starts a thousand):
        no savepoint (an error ends the caller's transaction whole), no second save of the row
        the start function has just inserted, and no ``SELECT … FOR UPDATE`` of a row that no
        other transaction can see before this one commits. Callbacks queued for the lock's
        release still run when the start is done."""
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)
        with transaction.atomic(savepoint=False):
            if self.process._state.adding:
                self.process.save()
            with lock_scope(_Unseen(), self.flow_class, self.process.pk):
                self.complete()
                flow_started.send(sender=self.flow_class, process=self.process, task=self.task)
                self.activate_next()


class StartNew(StartHandle):
    """``flow.StartHandle`` whose start function saves the new process after its last change to
    it, inside the caller's transaction (see ``StartNewActivation.execute``)."""

    activation_class = StartNewActivation


class WrittenOnceActivation(Activation):
    """A gate's activation whose task row is inserted when it completes, with its link to the
    task before it."""

    _previous = None

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        if not context.propagate_exception:
            return super().create(flow_task, prev_activation, token, data=data, seed=seed)
        task_class = flow_task.flow_class.task_class
        task = task_class(process=prev_activation.process, flow_task=flow_task, token=token)
        task.data = data if data is not None else {}
        task.seed = seed
        activation = cls(task)
        activation._previous = prev_activation.task
        return activation

    def __hash__(self):
        # viewflow keeps activations in sets; the task has no key until the row is written
        return id(self.task)

    @Activation.status.super()
    def complete(self):
        self.task.finished = now()
        self.task.save()
        if self._previous is not None:
            self.task.previous.add(self._previous)
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)


def _guarded(activation):
    """viewflow's exception guard, with a savepoint only when an error is kept, not raised."""
    return activation.exception_guard(), transaction.atomic(savepoint=not context.propagate_exception)


class IfActivation(WrittenOnceActivation, ViewflowIfActivation):
    @Activation.status.super()
    def activate(self):
        guard, atomic = _guarded(self)
        with guard, atomic:
            self._condition_result = self.flow_task._condition(self)


class If(flow_nodes.If):
    activation_class = IfActivation


class EndActivation(WrittenOnceActivation, ViewflowEndActivation):
    @Activation.status.super()
    def activate(self):
        """viewflow's: the process is done when no other task is still open."""
        guard, atomic = _guarded(self)
        with guard, atomic:
            self.task.started = now()
            task_started.send(sender=self.flow_class, process=self.process, task=self.task)
            others_open = (
                self.flow_class.task_class._default_manager.filter(
                    process=self.process, finished__isnull=True
                )
                .exclude(pk=self.task.pk)
                .exists()
            )
            if not others_open:
                self.process.status = STATUS.DONE
                self.process.finished = now()
                self.process.save()
            task_finished.send(sender=self.flow_class, process=self.process, task=self.task)
            if not others_open:
                flow_finished.send(sender=self.flow_class, process=self.process, task=self.task)


class End(flow_nodes.End):
    activation_class = EndActivation


class FanOutActivation(WrittenOnceActivation, SplitActivation):
    @Activation.status.super()
    def activate(self):
        for node, case, data_source in self.flow_task._branches:
            if case and not case(self):
                continue
            if data_source is None:
                self.next_tasks.append((node, None))
            else:
                self.next_tasks.extend((node, data) for data in data_source(self))
        if not self.next_tasks:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class FanOut(Split):
    """``.Each(node, data_source)``: one ``node`` task per dict ``data_source(activation)``
    returns (none for an empty list), each task's ``data`` set to its dict; ``.Always(node)``
    and ``.Next(node, case)`` as in viewflow's Split, whose pages (detail, undo, revive) it keeps."""

    activation_class = FanOutActivation

    def Each(self, node, data_source):
        self._activate_next.append((node, None, data_source))
        return self
