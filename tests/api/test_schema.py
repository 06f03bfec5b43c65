"""The OpenAPI schema and its browsable docs, and schemathesis against the schema: generated
requests with a real token never meet a server error."""

import collections
import datetime

import pytest
import schemathesis
import time_machine
from django.core import signals
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from tests.api.conftest import system_account
from tests.factories import register_and_assign


def test_the_schema_describes_the_api_in_chinese(db, client):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert {"/api/proposals/", "/api/duties/{id}/reports/", "/api/campaigns/{id}/reports/"} <= set(paths)
    assert schema["components"]["securitySchemes"]["token"] == {"type": "http", "scheme": "bearer"}
    register = paths["/api/proposals/"]["post"]
    assert "登记" in register["summary"] and "按字段" in register["description"]
    assert "进展报告" in paths["/api/duties/{id}/reports/"]["post"]["summary"]


def test_the_docs_page_loads_its_scripts_from_the_site(db, client):
    assert client.get("/api/")["Location"] == reverse("api:docs")
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower()
    # the Content-Security-Policy allows no inline script: the page's own script is a file
    assert "<script>" not in html.replace(" ", "")
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


@pytest.fixture
def api_token(kjj, kx, secretariat, settings):
    """A secretariat-level system account's token, over a proposal of 科技局 and 科协; no rate
    limit in the way of the generated requests."""
    settings.API_REQUESTS_PER_MINUTE = 1_000_000
    with time_machine.travel(datetime.datetime(2024, 3, 4, 10, 0, tzinfo=datetime.UTC), tick=False):
        register_and_assign(lead=kjj, co_handlers=[kx])
    _account, client = system_account("人大建议办理系统", None)
    return client.key


@pytest.fixture
def connection_kept():
    """The WSGI application closes the database connection after each request; keep it open, as
    Django's test client does, so that the requests run inside this test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_schemathesis_finds_no_server_error(api_token, connection_kept):
    """Every operation of the schema, with requests hypothesis builds from it (valid and not),
    through the WSGI application in this test's database."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    statuses = collections.Counter()
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def no_server_error(case):
            headers = {"Authorization": f"Bearer {api_token}"}
            response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
            statuses[(case.method, case.path, response.status_code)] += 1

        no_server_error()
    # the generated requests got past the token to the views: answered, and refused by field
    answered = {(method, path) for method, path, code in statuses if code < 300}
    lists = {"/api/proposals/", "/api/duties/", "/api/campaigns/", "/api/departments/"}
    assert {("GET", path) for path in lists} <= answered
    assert sum(count for (_m, _p, code), count in statuses.items() if code == 400) > 10
    assert not any(code == 401 for _m, _p, code in statuses)
