"""How our flows drive viewflow's engine: the process lock, and opening a task under it.

viewflow's ``select_for_update_lock`` takes the lock in a savepoint with NOWAIT and retries up to
five times with random sleeps, then ``task.activation()`` re-reads the task and, separately, its
process: four statements before any work, and under contention a user may get "locked, try again"
for a process that is only busy for a few milliseconds. Here the lock waits its turn instead
(PostgreSQL detects deadlocks), takes no savepoint of its own (an error rolls the caller's
transaction back whole), and ``task_activation`` locks the process row and re-reads the task with
its process in one statement.
"""

from contextlib import contextmanager

from django.db import transaction
from viewflow.workflow.lock import lock_scope


class ProcessRowLock:
    """A flow's ``lock_impl``: ``SELECT … FOR UPDATE`` on the process row, waiting for it.

    ``savepoint`` is for flows whose views may refuse (raise) inside the lock while the request
    goes on to answer: the refusal then rolls back to the savepoint and leaves the request's
    transaction usable. Without it an error inside the lock breaks the whole transaction, which
    only suits callers that let every error end the transaction."""

    def __init__(self, *, savepoint=False):
        self.savepoint = savepoint

    @contextmanager
    def __call__(self, flow_class, process_pk):
        with transaction.atomic(savepoint=self.savepoint):
            flow_class.process_class._default_manager.filter(pk=process_pk).select_for_update().exists()
            yield


process_row_lock = ProcessRowLock()
process_row_lock_savepoint = ProcessRowLock(savepoint=True)


class _LockedAlready:
    """The lock ``task_activation`` took with its read, for viewflow's after-release callbacks."""

    @contextmanager
    def __call__(self, flow_class, process_pk):
        yield


@contextmanager
def task_activation(task, *, related=()):
    """``task.activation()`` in one statement: lock the task's process row and re-read the task
    with its process (``FOR UPDATE OF`` the process only), and with the ``related`` rows
    (``select_related`` paths, e.g. ``process__proposal_reply``) the step will read. Yields the
    task's activation; the caller checks the re-read ``activation.task``, which may have moved on
    meanwhile."""
    task_class = type(task)
    with transaction.atomic(savepoint=False):
        task = (
            task_class._default_manager.select_related("process", *related)
            .select_for_update(of=("process",))
            .get(pk=task.pk)
        )
        with lock_scope(_LockedAlready(), task.flow_task.flow_class, task.process_id):
            yield task.flow_task.activation_class(task)
