"""Flow nodes shared by the processes.

``FanOut`` is a parallel split that can open one task per item of a list known only at run
time (one 协办意见 per co-handler). viewflow 2.4.0 documents ``Split.Next(data_source=...)`` but
its ``Next`` takes no such argument and its activation ignores it.
"""

from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.flow.nodes import Split
from viewflow.workflow.nodes.split import SplitActivation


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
