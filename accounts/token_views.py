"""接口账号: the secretariat's page of system accounts and their API tokens. A new key is shown
once, on the page that answers the issue (never stored, never redirected through a session)."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import generic

from accounts import tokens
from accounts.access import SecretariatRequiredMixin
from accounts.forms import ApiTokenForm, SystemAccountForm
from accounts.models import ApiToken, User

TEMPLATE = "accounts/api_accounts.html"


def _page(request, *, account_form=None, new_key=None, new_token=None, status=200):
    accounts = (
        User.objects.filter(is_system_account=True)
        .select_related("department")
        .prefetch_related(Prefetch("api_tokens", queryset=ApiToken.objects.select_related("created_by")))
        .order_by("department__code", "name", "pk")
    )
    context = {
        "accounts": accounts,
        "account_form": account_form or SystemAccountForm(),
        "token_form": ApiTokenForm(),
        "new_key": new_key,
        "new_token": new_token,
    }
    return render(request, TEMPLATE, context, status=status)


class ApiAccountListView(SecretariatRequiredMixin, generic.View):
    """The system accounts, their tokens and when each was last used; a form creates an account
    and issues its first token."""

    def get(self, request):
        return _page(request)

    def post(self, request):
        form = SystemAccountForm(request.POST)
        if not form.is_valid():
            return _page(request, account_form=form, status=400)
        data = form.cleaned_data
        account = tokens.system_account_create(
            name=data["name"], department=data["department"], actor=request.user
        )
        token, key = tokens.api_token_issue(account=account, label=data["label"], actor=request.user)
        return _page(request, new_key=key, new_token=token)


class ApiTokenIssueView(SecretariatRequiredMixin, generic.View):
    http_method_names = ["post"]

    def post(self, request, pk):
        account = get_object_or_404(User, pk=pk, is_system_account=True)
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the token a label, e.g. the server that uses it."))
            return redirect("manage:api_account_list")
        token, key = tokens.api_token_issue(
            account=account, label=form.cleaned_data["label"], actor=request.user
        )
        return _page(request, new_key=key, new_token=token)


class ApiTokenRevokeView(SecretariatRequiredMixin, generic.View):
    http_method_names = ["post"]

    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk)
        tokens.api_token_revoke(token=token, actor=request.user)
        messages.success(
            request, _("The token %(token)s is revoked; it no longer opens the API.") % {"token": token}
        )
        return redirect("manage:api_account_list")
