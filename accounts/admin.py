from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Department, User, UserRole


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code"]


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "name", "department", "mobile", "email", "is_active"]
    list_filter = ["department", "is_active"]
    search_fields = ["username", "name", "mobile", "email"]
    inlines = [UserRoleInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (None, {"fields": ("name", "department", "mobile")}),
    )
