from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only the product writes (escalation, outbox): administrators read them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
