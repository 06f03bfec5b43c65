from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django.views.decorators.http import require_POST

from accounts.access import ListPaginator
from workflows.notifications import access, outbox


class NotificationListView(LoginRequiredMixin, generic.ListView):
    """通知: the user's messages, newest first, unread ones marked."""

    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 30
    paginator_class = ListPaginator

    def get_queryset(self):
        return access.notifications_for_user(self.request.user)


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one message read and follow its link."""
    notification = access.notification_get_for_user(request.user, pk)
    outbox.notifications_mark_read(user=request.user, notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("desk:notification_list")


@login_required
@require_POST
def notifications_read_all(request):
    count = outbox.notifications_mark_read(user=request.user)
    messages.success(request, _("%(count)d messages marked as read.") % {"count": count})
    return redirect("desk:notification_list")
