"""Nobody reads another person's messages."""

from django.shortcuts import get_object_or_404

from workflows.notifications.models import Notification


def notifications_for_user(user):
    """The user's own messages in the product; nobody reads another person's."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user, channel=Notification.Channel.IN_APP)


def notification_get_for_user(user, pk):
    return get_object_or_404(notifications_for_user(user), pk=pk)
