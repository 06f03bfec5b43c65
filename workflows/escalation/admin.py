"""Read-only views of the escalation records and the outbox, for administrators."""

from django.contrib import admin

from workflows.escalation.models import Deadline, Extension, Notice


class ReadOnlyAdmin(admin.ModelAdmin):
    """Escalation records are written by the ladder and the outbox only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ["pk", "department", "original_due", "due", "round", "light", "opened_at", "closed_at"]
    list_filter = ["light", "department"]
    date_hierarchy = "due"


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "kind",
        "sequence",
        "subject_title",
        "department_name",
        "issued_at",
        "pdf_sha256",
    ]
    list_filter = ["kind"]
    search_fields = ["subject_title", "department_name"]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ["deadline", "requested_due", "status", "requested_by", "decided_by", "decided_at"]
    list_filter = ["status"]
