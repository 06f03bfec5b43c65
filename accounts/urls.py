from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from accounts import token_views, views
from accounts.access import is_secretariat


class ManageApplication(Application):
    """管理: departments and people, for the secretariat."""

    title = _("Management")
    icon = "manage_accounts"
    app_name = "manage"
    menu_template_name = "accounts/manage_menu.html"
    permission = staticmethod(is_secretariat)

    index_path = path("", views.DepartmentListView.as_view(), name="index")
    department_create_path = path(
        "departments/new/", views.DepartmentEditView.as_view(), name="department_create"
    )
    department_edit_path = path(
        "departments/<int:pk>/edit/", views.DepartmentEditView.as_view(), name="department_edit"
    )
    user_list_path = path("users/", views.UserListView.as_view(), name="user_list")
    user_create_path = path("users/new/", views.UserEditView.as_view(), name="user_create")
    user_edit_path = path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit")
    user_deactivate_path = path(
        "users/<int:pk>/deactivate/", views.UserDeactivateView.as_view(), name="user_deactivate"
    )
    user_import_path = path("users/import/", views.UserImportView.as_view(), name="user_import")
    lockout_list_path = path("lockouts/", views.LoginLockoutListView.as_view(), name="lockout_list")
    lockout_lift_path = path("lockouts/lift/", views.LoginLockoutLiftView.as_view(), name="lockout_lift")
    audit_list_path = path("audit/", views.AuditListView.as_view(), name="audit_list")
    api_account_list_path = path(
        "api-accounts/", token_views.ApiAccountListView.as_view(), name="api_account_list"
    )
    api_token_issue_path = path(
        "api-accounts/<int:pk>/tokens/", token_views.ApiTokenIssueView.as_view(), name="api_token_issue"
    )
    api_token_revoke_path = path(
        "api-tokens/<int:pk>/revoke/", token_views.ApiTokenRevokeView.as_view(), name="api_token_revoke"
    )
