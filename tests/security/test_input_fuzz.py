"""Hostile input never reaches a 500 and a refused form writes nothing.

Every page of the URL configuration is requested with hostile values in the parameters the pages
read (and in a few they do not), and every form of the product is posted with hostile values in
each of its fields. Hypothesis draws the values: out-of-range and huge numbers, years like 0 or
10000, control characters and line breaks, NUL, non-UTF-8 bytes, 100,000-character strings.
"""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import AuditEvent, Department, User
from tasks.proposals.models import Proposal
from tests.security.test_permission_matrix import build_url, url_patterns, world  # noqa: F401
from workflows.escalation.models import Extension
from workflows.workdays.models import CalendarCorrection

QUERY_PARAMETERS = ["year", "department", "action", "q", "day", "page", "next"]
HOSTILE_SAMPLES = [
    "0",
    "-5",
    "10000",
    "99999999999999999999",
    "1e308",
    "NaN",
    "²",
    "2024-13-45",
    "0000-00-00",
    "\x00",
    "第一行\r\n第二行",
    "\t",
    "%ff%fe",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "𠀀𠀁𪚥",
    "x" * 100_000,
]
HOSTILE_TEXT = st.one_of(st.sampled_from(HOSTILE_SAMPLES), st.text(max_size=40), st.integers().map(str))
# the pages that read parameters from their URL: every parameter with every hostile sample
LIST_PAGES = [
    "desk:index",
    "desk:calendar",
    "desk:notification_list",
    "desk:extension_list",
    "proposals:index",
    "duties:index",
    "manage:audit_list",
    "manage:user_list",
    "manage:lockout_list",
]
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


def written():
    """What a refused form must not change."""
    return (
        Proposal.objects.count(),
        CalendarCorrection.objects.count(),
        Extension.objects.count(),
        User.objects.count(),
        Department.objects.count(),
    )


@pytest.mark.parametrize("role", ["secretariat", "kjj_officer"])
def test_no_url_parameter_reaches_a_500(client, world, role):  # noqa: F811
    client.force_login(world["people"][role])
    urls = [build_url(route, name, world) for route, name in url_patterns() if not route.startswith("admin/")]

    @FUZZ
    @given(parameter=st.sampled_from(QUERY_PARAMETERS), value=HOSTILE_TEXT)
    def request_every_page(parameter, value):
        for url in urls:
            response = client.get(url, {parameter: value})
            assert response.status_code < 500, f"GET {url}?{parameter}=… → {response.status_code}"

    request_every_page()


def test_every_hostile_sample_in_every_parameter_of_the_list_pages(client, world):  # noqa: F811
    client.force_login(world["people"]["secretariat"])
    for name in LIST_PAGES:
        url = reverse(name)
        for parameter in QUERY_PARAMETERS:
            for value in HOSTILE_SAMPLES:
                response = client.get(url, {parameter: value})
                assert response.status_code < 500, (
                    f"GET {url}?{parameter}={value[:20]!r} → {response.status_code}"
                )


def test_a_bad_year_is_named_and_this_year_shown(client, world):  # noqa: F811
    client.force_login(world["people"]["secretariat"])
    page = client.get(reverse("desk:calendar"), {"year": "10000"}).content.decode()
    assert "年份应为2000至2100之间的整数" in page


def test_a_bad_filter_is_named_and_ignored(client, world):  # noqa: F811
    client.force_login(world["people"]["secretariat"])
    response = client.get(reverse("manage:audit_list"), {"day": "2024-13-45", "q": "登记"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "筛选条件“日期”已忽略" in page
    assert "登记建议" in page  # the valid filter still applies


def test_non_utf8_bytes_in_a_query_string_are_refused_cleanly(client, world):  # noqa: F811
    client.force_login(world["people"]["secretariat"])
    for url in (reverse("desk:calendar"), reverse("manage:audit_list"), reverse("manage:user_list")):
        response = client.get(f"{url}?year=%ff%fe&q=%c3%28&department=%00")
        assert response.status_code < 500


def forms_of_the_product(world):  # noqa: F811
    """(who posts, URL, the fields of a valid submission) for every form people fill in."""
    kjj = world["department"]
    return [
        (
            "secretariat",
            reverse("proposals:proposal_register"),
            {
                "kind": "proposal",
                "session": "十三届一次",
                "number": "501",
                "title": "关于加快众创空间建设的提案",
                "content": "内容",
                "proposer_names": "王一",
                "lead": kjj.pk,
            },
        ),
        (
            "secretariat",
            reverse("desk:calendar"),
            {"day": "2030-10-13", "is_working_day": "on", "note": "调休上班"},
        ),
        ("secretariat", reverse("desk:calendar_year_confirm"), {"year": "2031"}),
        (
            "secretariat",
            reverse("manage:department_create"),
            {
                "name": "南通市统计局",
                "short_name": "统计局",
                "code": "nt-tjj",
                "kind": "bureau",
                "is_active": "on",
            },
        ),
        (
            "kjj_officer",
            reverse("desk:extension_request", args=[world["deadline"].pk]),
            {"requested_due": "2024-03-25", "reason": "需要进一步会商"},
        ),
    ]


@pytest.mark.parametrize("form_index", range(5))
def test_a_hostile_value_in_any_form_field_is_refused_and_writes_nothing(client, world, form_index):  # noqa: F811
    role, url, valid = forms_of_the_product(world)[form_index]
    client.force_login(world["people"][role])

    @FUZZ
    @given(field=st.sampled_from(sorted(valid)), value=HOSTILE_TEXT)
    def post_hostile_value(field, value):
        before = written()
        events = AuditEvent.objects.count()
        response = client.post(url, {**valid, field: value})
        assert response.status_code < 500, f"POST {url} {field}=… → {response.status_code}"
        if response.status_code == 200:  # the form came back with its errors
            assert written() == before
            assert AuditEvent.objects.count() == events
            page = response.content.decode()
            if (
                field not in ("lead", "kind", "is_working_day", "is_active")
                and len(value) < 1000
                and value.strip()
            ):
                # what the user typed comes back (escaped), so nothing is lost
                assert (
                    value.strip()[:20] in page or "&" in value or "<" in value or "'" in value or '"' in value
                )

    post_hostile_value()
