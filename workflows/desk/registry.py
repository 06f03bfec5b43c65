"""The registry of processes: each process registers itself in its ``AppConfig.ready``.

The inbox, the morning digest, the scoped viewflow pages and the permission matrix iterate the
registry, so adding a process touches no shared module.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet


@dataclass(frozen=True)
class ProcessEntry:
    """How the shared machinery sees one process.

    ``scope(user, queryset)`` limits a queryset of processes to those whose subject the user may
    see. ``subjects()`` is the queryset inbox rows load their subjects (process artifacts) from,
    with whatever the row shows. ``row_template`` renders the subject cells of an inbox row
    (``subject`` and its page's ``url`` in its context). ``subject_url_name`` is the URL name of a
    subject's page, taking its pk: the rows fill in one reversed pattern rather than reverse a URL
    each. ``one_click`` maps a step's name to (label, URL name taking the task's pk) of a view
    that completes that step in one POST, offered on the desk.
    """

    flow_class: type
    scope: Callable[..., QuerySet]
    subjects: Callable[[], QuerySet]
    row_template: str
    subject_url_name: str
    icon: str = "assignment"
    one_click: dict = field(default_factory=dict)
    list_url_name: str = "desk:index"  # the list of this process's subjects

    def visible_processes(self, user, queryset=None):
        if queryset is None:
            queryset = self.flow_class.process_class._default_manager.all()
        return self.scope(user, queryset.filter(flow_class=self.flow_class))


_entries: dict[type, ProcessEntry] = {}


def process_register(entry):
    """Register a process (idempotent: a flow is registered once)."""
    _entries[entry.flow_class] = entry
    return entry


def process_unregister(flow_class):
    _entries.pop(flow_class, None)


def processes():
    return list(_entries.values())


def flow_classes():
    return list(_entries)


def entry_for_flow(flow_class):
    return _entries[flow_class]
