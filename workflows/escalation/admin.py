"""Read-only views of the escalation records and the outbox, for administrators."""

from django.contrib import admin

from accounts.admin_readonly import ReadOnlyAdmin
from workflows.escalation.models import Deadline, Extension, Notice


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ["pk", "department", "original_due", "due", "round", "light", "opened_at", "closed_at"]
    list_select_related = ["department"]
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
    list_select_related = ["deadline__department", "requested_by", "decided_by"]
    list_filter = ["status"]
