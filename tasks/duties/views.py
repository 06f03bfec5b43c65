from django.contrib.auth.mixins import LoginRequiredMixin
from django.views import generic

from accounts.audit import audit_timeline
from tasks.duties import access


class DutyListView(LoginRequiredMixin, generic.ListView):
    template_name = "duties/duty_list.html"
    context_object_name = "duties"
    paginate_by = 50

    def get_queryset(self):
        return (
            access.duties_for_user(self.request.user)
            .select_related("table__meeting", "lead")
            .prefetch_related("cooperating")
            .order_by("table", "sequence")
        )


class DutyDetailView(LoginRequiredMixin, generic.DetailView):
    template_name = "duties/duty_detail.html"
    context_object_name = "duty"

    def get_object(self, queryset=None):
        return access.duty_get_for_user(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(timeline=audit_timeline(self.object, self.request.user), **kwargs)
