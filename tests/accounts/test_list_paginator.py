"""ListPaginator gives the pages Django's paginator gives, reading the far half from the end."""

import re

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.access import ListPaginator
from accounts.models import Department
from tests.conftest import make_department


@pytest.mark.django_db
@pytest.mark.parametrize("orphans", [0, 2])
def test_every_page_holds_the_rows_django_gives_it(orphans):
    kinds = Department.Kind.values
    for number in range(23):  # kinds repeat: pk decides between them
        make_department(f"d{number}", f"单位{number}", f"单位{number}", kind=kinds[number % len(kinds)])
    ordered = Department.objects.order_by("-kind", "pk")
    for per_page in (1, 4, 5, 10, 50):
        ours = ListPaginator(ordered, per_page, orphans=orphans)
        django = Paginator(ordered, per_page, orphans=orphans)
        assert ours.num_pages == django.num_pages
        for number in django.page_range:
            assert list(ours.page(number)) == list(django.page(number)), (per_page, number)


@pytest.mark.django_db
def test_the_last_page_skips_no_more_rows_than_the_first():
    for number in range(40):
        make_department(f"d{number:02}", f"单位{number}", f"单位{number}")
    paginator = ListPaginator(Department.objects.order_by("code", "pk"), 10)
    with CaptureQueriesContext(connection) as captured:
        last = paginator.page(paginator.num_pages)
    assert [department.code for department in last] == [f"d{n:02}" for n in range(30, 40)]
    offsets = [int(n) for query in captured for n in re.findall(r"OFFSET (\d+)", query["sql"])]
    assert max(offsets, default=0) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("orphans", [0, 2])
@pytest.mark.parametrize("rows", [0, 3, 10, 11, 12, 13, 25])
def test_counting_with_the_first_page_gives_djangos_pages_in_one_query(rows, orphans):
    for number in range(rows):
        make_department(f"d{number:02}", f"单位{number}", f"单位{number}")
    ordered = Department.objects.order_by("code", "pk")
    django = Paginator(ordered, 10, orphans=orphans)
    expected = (list(django.page(1)), django.count, django.num_pages, django.page(1).has_next())
    for asked in (None, "", "x", "1", 1, 1.0):
        ours = ListPaginator(ordered, 10, orphans=orphans, count_with_first_page=True)
        with CaptureQueriesContext(connection) as captured:
            page = ours.get_page(asked)
            assert (list(page), ours.count, ours.num_pages, page.has_next()) == expected, asked
        assert len(captured) == 1, [query["sql"] for query in captured]
    # other pages are read as before, after a count of their own
    for number in list(django.page_range)[1:]:
        ours = ListPaginator(ordered, 10, orphans=orphans, count_with_first_page=True)
        assert list(ours.get_page(number)) == list(django.page(number))
    ours = ListPaginator(ordered, 10, orphans=orphans, count_with_first_page=True)
    assert list(ours.get_page(99)) == list(django.get_page(99))


@pytest.mark.django_db
def test_a_distinct_list_is_counted_apart():
    for number in range(3):
        make_department(f"d{number}", f"单位{number}", f"单位{number}")
    twice = (
        Department.objects.filter(code__in=["d0", "d1"])
        .order_by()
        .union(Department.objects.filter(code="d0").order_by())
    )
    distinct = Department.objects.values("kind").distinct().order_by("kind")
    paginator = ListPaginator(distinct, 10, count_with_first_page=True)
    assert paginator.get_page(1).paginator.count == 1 == len(list(paginator.get_page(1)))
    union = ListPaginator(twice.order_by("code"), 10, count_with_first_page=True)
    assert union.get_page(1).paginator.count == 2
