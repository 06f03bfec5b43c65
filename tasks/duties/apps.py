from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "tasks.duties"
    label = "duties"
    verbose_name = _("Joint meetings and duties")

    def ready(self):
        from tasks.duties.access import duty_processes_for_user
        from tasks.duties.flows import DutyFlow, DutyReportFlow
        from tasks.duties.holders import table_departments_connect
        from tasks.duties.models import Duty
        from workflows.desk.registry import ProcessEntry, process_register

        table_departments_connect()

        for flow_class in (DutyFlow, DutyReportFlow):
            process_register(
                ProcessEntry(
                    flow_class=flow_class,
                    scope=duty_processes_for_user,
                    subjects=lambda: Duty.objects.select_related("table"),
                    row_template="duties/inbox_row.html",
                    subject_url_name="duties:duty_detail",
                    icon="fact_check",
                    one_click={"sign_for": (_("Sign for"), "duties:sign_for")}
                    if flow_class is DutyFlow
                    else {},
                    list_url_name="duties:index",
                )
            )
