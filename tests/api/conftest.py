"""System accounts of named departments and clients that call the API with their tokens."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import tokens
from tests.tasks.campaigns.conftest import campaign, fgw, fgw_officer, kjj_host, ks_kjj, ks_rsj  # noqa: F401


def system_account(name, department, *, label="主服务器"):
    """A system account (of ``department``, or the secretariat's with None) and a client that
    sends its token."""
    account = tokens.system_account_create(name=name, department=department, actor=None)
    _token, key = tokens.api_token_issue(account=account, label=label, actor=None)
    return account, TokenClient(key)


class TokenClient(Client):
    """A test client that sends ``Authorization: Bearer <key>`` and JSON bodies."""

    def __init__(self, key, **kwargs):
        super().__init__(headers={"Authorization": f"Bearer {key}"}, **kwargs)
        self.key = key

    def post_json(self, path, data):
        return self.post(path, data=json.dumps(data), content_type="application/json")


def list_queries(client, url):
    """(queries, rows) of a list of 50 a page; a first request beforehand records the token's use
    (once a minute), so that only the list's own queries differ between two calls."""
    client.get(url, {"page_size": 50})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 50})
    assert response.status_code == 200
    return len(queries), response.json()["count"]


@pytest.fixture
def kjj_api(kjj):
    """科技局's OA system: sees and does 科技局's work."""
    return system_account("科技局办公系统", kjj)[1]


@pytest.fixture
def kx_api(kx):
    return system_account("科协办公系统", kx)[1]


@pytest.fixture
def jyj_api(jyj):
    """教育局's system: an outsider to 科技局's work."""
    return system_account("教育局办公系统", jyj)[1]


@pytest.fixture
def secretariat_api(db):
    """The people's-congress proposal system, registering for the secretariat: sees everything."""
    return system_account("人大建议办理系统", None)[1]
