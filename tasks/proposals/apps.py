from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "tasks.proposals"
    label = "proposals"
    verbose_name = _("Suggestions and proposals")

    def ready(self):
        from tasks.proposals.access import proposal_processes_for_user
        from tasks.proposals.flows import ProposalFlow
        from tasks.proposals.models import Proposal
        from workflows.desk.registry import ProcessEntry, process_register

        process_register(
            ProcessEntry(
                flow_class=ProposalFlow,
                scope=proposal_processes_for_user,
                subjects=lambda: Proposal.objects.all(),
                row_template="proposals/inbox_row.html",
                subject_url_name="proposals:proposal_detail",
                icon="assignment",
                one_click={"sign_for": (_("Sign for"), "proposals:sign_for")},
                list_url_name="proposals:index",
            )
        )
