"""Token authentication of system accounts: no token, a wrong one or a revoked one is refused."""

import datetime

import time_machine
from django.test import Client
from django.urls import reverse

from accounts import tokens
from accounts.models import ApiToken, AuditEvent
from tests.api.conftest import TokenClient, system_account

DEPARTMENTS = reverse("api:department_list")


def test_a_request_without_a_token_is_refused(client, kjj):
    response = client.get(DEPARTMENTS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "南通市科学技术局" not in response.content.decode()


def test_an_unknown_or_malformed_token_is_refused(kjj_api, kjj):
    assert TokenClient("jm_" + "x" * 43).get(DEPARTMENTS).status_code == 401
    assert TokenClient("not-even-ours").get(DEPARTMENTS).status_code == 401
    malformed = Client(headers={"Authorization": f"Bearer {kjj_api.key} extra"})
    assert malformed.get(DEPARTMENTS).status_code == 401


def test_a_valid_token_reads_and_a_revoked_one_is_refused_at_once(kjj, secretariat):
    account, api = system_account("科技局办公系统", kjj)
    response = api.get(DEPARTMENTS)
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["南通市科学技术局"]
    tokens.api_token_revoke(token=account.api_tokens.get(), actor=secretariat)
    refused = api.get(DEPARTMENTS)
    assert refused.status_code == 401
    assert "南通市科学技术局" not in refused.content.decode()


def test_a_disabled_system_account_is_refused(kjj):
    account, api = system_account("科技局办公系统", kjj)
    account.is_active = False
    account.save()
    assert api.get(DEPARTMENTS).status_code == 401


def test_only_the_hash_of_the_key_is_stored_and_issue_and_revocation_are_audited(kjj, secretariat):
    account = tokens.system_account_create(name="科技局办公系统", department=kjj, actor=secretariat)
    token, key = tokens.api_token_issue(account=account, label="主服务器", actor=secretariat)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not any(key in str(value) for value in stored.values())
    assert key.startswith(token.prefix)
    tokens.api_token_revoke(token=token, actor=secretariat)
    tokens.api_token_revoke(token=token, actor=secretariat)  # twice: one event
    actions = list(AuditEvent.objects.for_object(account).values_list("action", "actor_id"))
    assert actions.count((AuditEvent.Action.API_TOKEN_ISSUE, secretariat.pk)) == 1
    assert actions.count((AuditEvent.Action.API_TOKEN_REVOKE, secretariat.pk)) == 1


def test_a_system_account_cannot_log_in_to_the_pages(kjj):
    account, _api = system_account("科技局办公系统", kjj)
    assert not account.has_usable_password()
    client = Client()
    client.post(reverse("login"), {"username": account.username, "password": ""})
    assert "_auth_user_id" not in client.session


def test_the_last_use_is_recorded_at_most_once_a_minute(kjj):
    account, api = system_account("科技局办公系统", kjj)
    start = datetime.datetime(2024, 3, 4, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        api.get(DEPARTMENTS)
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        api.get(DEPARTMENTS)
    assert account.api_tokens.get().last_used_at == start
    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        api.get(DEPARTMENTS)
    assert account.api_tokens.get().last_used_at == start + datetime.timedelta(minutes=2)
