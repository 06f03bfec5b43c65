"""A read-only view of the outbox, for administrators."""

from django.contrib import admin

from accounts.admin_readonly import ReadOnlyAdmin
from workflows.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "channel", "topic", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "topic"]
    search_fields = ["subject", "address", "idempotency_key"]
    readonly_fields = ["last_error"]
