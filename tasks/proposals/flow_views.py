"""The views of the proposal flow's human steps."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views import generic

from tasks.proposals import services
from tasks.proposals.forms import SignForForm


class SignForView(generic.FormView):
    """签收: the lead department's officer accepts the proposal."""

    form_class = SignForForm
    template_name = "proposals/proposal_sign_for.html"
    success_message = _("Signed for.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(proposal=self.request.activation.process.proposal, **kwargs)

    def form_valid(self, form):
        services.proposal_sign_for(proposal=self.request.activation.process.proposal, user=self.request.user)
        self.request.activation.execute()
        messages.success(self.request, self.success_message, fail_silently=True)
        return HttpResponseRedirect(self.request.activation.process.proposal.get_absolute_url())
