"""接口账号: the secretariat creates system accounts, issues and revokes their tokens (audited);
the key is shown once and works at once; nobody else reaches the page."""

import re

from django.urls import reverse

from accounts.models import ApiToken, AuditEvent, Role, User
from tests.api.conftest import TokenClient

PAGE = reverse("manage:api_account_list")


def issued_key(response):
    return re.search(r"<code>(jm_[A-Za-z0-9_-]+)</code>", response.content.decode()).group(1)


def test_the_secretariat_creates_an_account_whose_key_is_shown_once_and_works(client, secretariat, kjj):
    client.force_login(secretariat)
    response = client.post(PAGE, {"name": "科技局办公系统", "department": kjj.pk, "label": "主服务器"})
    assert response.status_code == 200
    key = issued_key(response)
    account = User.objects.get(is_system_account=True)
    assert (account.name, account.department, account.role_set) == ("科技局办公系统", kjj, {Role.OFFICER})
    assert AuditEvent.objects.for_object(account).filter(action=AuditEvent.Action.API_TOKEN_ISSUE).exists()
    assert TokenClient(key).get(reverse("api:department_list")).status_code == 200
    # listed with its prefix, never the key again
    page = client.get(PAGE).content.decode()
    assert "科技局办公系统" in page and ApiToken.objects.get().prefix in page and key not in page


def test_an_account_without_a_department_is_the_secretariats(client, secretariat):
    client.force_login(secretariat)
    client.post(PAGE, {"name": "人大建议办理系统", "department": "", "label": "主服务器"})
    assert User.objects.get(is_system_account=True).role_set == {Role.SECRETARIAT}


def test_a_second_token_is_issued_and_a_revoked_one_stops_working(client, secretariat, kjj):
    client.force_login(secretariat)
    first = issued_key(
        client.post(PAGE, {"name": "科技局办公系统", "department": kjj.pk, "label": "旧服务器"})
    )
    account = User.objects.get(is_system_account=True)
    second = issued_key(
        client.post(reverse("manage:api_token_issue", args=[account.pk]), {"label": "新服务器"})
    )
    old = ApiToken.objects.get(label="旧服务器")
    response = client.post(reverse("manage:api_token_revoke", args=[old.pk]))
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.revoked_by == secretariat
    assert TokenClient(first).get(reverse("api:department_list")).status_code == 401
    assert TokenClient(second).get(reverse("api:department_list")).status_code == 200
    event = AuditEvent.objects.for_object(account).get(action=AuditEvent.Action.API_TOKEN_REVOKE)
    assert "旧服务器" in event.summary and event.actor == secretariat


def test_bad_input_creates_nothing_and_keeps_what_was_typed(client, secretariat):
    client.force_login(secretariat)
    response = client.post(PAGE, {"name": "科技局办公系统", "department": "", "label": ""})
    assert response.status_code == 400
    assert "科技局办公系统" in response.content.decode()
    assert not User.objects.filter(is_system_account=True).exists() and not ApiToken.objects.exists()


def test_only_the_secretariat_reaches_the_page(client, kjj_officer, kjj, secretariat):
    client.force_login(secretariat)
    client.post(PAGE, {"name": "科技局办公系统", "department": kjj.pk, "label": "主服务器"})
    token = ApiToken.objects.get()
    client.force_login(kjj_officer)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"name": "x", "department": "", "label": "x"}).status_code == 403
    assert client.post(reverse("manage:api_token_revoke", args=[token.pk])).status_code == 403
    assert (
        client.post(reverse("manage:api_token_issue", args=[token.account_id]), {"label": "x"}).status_code
        == 403
    )
    assert ApiToken.objects.count() == 1 and ApiToken.objects.get().revoked_at is None
    assert User.objects.filter(is_system_account=True).count() == 1


def test_a_system_account_is_not_edited_as_a_person(client, secretariat, kjj):
    client.force_login(secretariat)
    client.post(PAGE, {"name": "科技局办公系统", "department": kjj.pk, "label": "主服务器"})
    account = User.objects.get(is_system_account=True)
    assert "科技局办公系统" not in client.get(reverse("manage:user_list")).content.decode()
    assert client.get(reverse("manage:user_edit", args=[account.pk])).status_code == 404
    response = client.post(
        reverse("manage:user_edit", args=[account.pk]),
        {
            "username": account.username,
            "name": "x",
            "department": kjj.pk,
            "roles": ["officer"],
            "password": "Xy!9876543z",
        },
    )
    assert response.status_code == 404
    account.refresh_from_db()
    assert not account.has_usable_password()
