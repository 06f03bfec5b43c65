"""Flow nodes shared by the processes.

``FanOut`` is a parallel split that can open one task per item of a list known only at run
time (one 协办意见 per co-handler). viewflow 2.4.0 documents ``Split.Next(data_source=...)`` but
its ``Next`` takes no such argument and its activation ignores it.

``StartNew`` is viewflow's ``StartHandle`` for a start function that saves the new process
itself, last (to link it to the reply it answers), inside the caller's transaction.
"""

from contextlib import contextmanager

from django.db import transaction
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.flow.nodes import Split, StartHandle
from viewflow.workflow.lock import lock_scope
from viewflow.workflow.nodes.split import SplitActivation
from viewflow.workflow.nodes.start import StartHandleActivation
from viewflow.workflow.signals import flow_started, task_started
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


class FanOutActivation(SplitActivation):
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
