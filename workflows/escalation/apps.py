from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "workflows.escalation"
    label = "escalation"
    verbose_name = _("Escalation")

    def ready(self):
        from workflows.escalation import jobs  # noqa: F401  (connects the calendar receiver)
