"""Per-account rate limits, counted in the configured cache (Redis in CI)."""

import datetime

import time_machine
from django.urls import reverse

from tests.api.conftest import system_account

DEPARTMENTS = reverse("api:department_list")


def test_an_account_over_its_rate_gets_429_and_others_are_not_held_up(settings, kjj, jyj):
    settings.API_REQUESTS_PER_MINUTE = 3
    _account, busy = system_account("科技局办公系统", kjj)
    _account, other = system_account("教育局办公系统", jyj)
    start = datetime.datetime(2024, 3, 4, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert [busy.get(DEPARTMENTS).status_code for _ in range(3)] == [200, 200, 200]
        refused = busy.get(DEPARTMENTS)
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 0
        assert "请求" in refused.json()["detail"]
        assert other.get(DEPARTMENTS).status_code == 200
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert busy.get(DEPARTMENTS).status_code == 200
