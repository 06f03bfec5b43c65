from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "tasks.duties"
    label = "duties"
    verbose_name = _("Joint meetings and duties")
