"""月度通报: issued by the worker on the first working day of each month and on demand, its text,
its SHA-256, who reads it."""

import datetime
import hashlib
import time

import pytest
import time_machine
from django.urls import reverse

from dashboard import circulars
from dashboard.models import Circular
from tests.dashboard.conftest import SHANGHAI
from tests.workflows.documents.pdf_reader import Document
from workflows.workdays.calendar import working_day_on_or_after


def pdf_text(data):
    return "".join(page.text for page in Document(data).pages)


def morning(day):
    return datetime.datetime.combine(day, datetime.time(9, 15), tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_last_months_circular_is_issued_once_on_the_first_working_day(
    world, django_capture_on_commit_callbacks
):
    with time_machine.travel(morning(datetime.date(2026, 3, 31)), tick=False):
        assert circulars.circulars_due() == 0
    with time_machine.travel(morning(datetime.date(2026, 4, 1)), tick=False):  # a Wednesday
        with django_capture_on_commit_callbacks() as queued:
            assert circulars.circulars_due() == 1
        assert len(queued) == 1
        assert circulars.circulars_due() == 0  # beat runs again the same morning
    Circular.objects.update(pdf="circulars/2026/rendered.pdf")  # the worker has rendered it
    with time_machine.travel(morning(datetime.date(2026, 4, 2)), tick=False):
        assert circulars.circulars_due() == 0
    assert list(Circular.objects.values_list("month", "origin")) == [(datetime.date(2026, 3, 1), "monthly")]


@pytest.mark.django_db
def test_a_month_starting_on_a_holiday_waits_for_its_first_working_day(world):
    first = working_day_on_or_after(datetime.date(2026, 10, 1))
    assert first > datetime.date(2026, 10, 1)  # 国庆节
    with time_machine.travel(morning(datetime.date(2026, 10, 1)), tick=False):
        assert circulars.circulars_due() == 0
    with time_machine.travel(morning(first), tick=False):
        assert circulars.circulars_due() == 1
    assert Circular.objects.get().month == datetime.date(2026, 9, 1)


@pytest.mark.django_db
def test_an_unrendered_circular_is_queued_again_after_the_retry_timeout(world, settings):
    with time_machine.travel(morning(datetime.date(2026, 4, 1)), tick=False):
        circulars.circulars_due()
    later = morning(datetime.date(2026, 4, 1)) + datetime.timedelta(
        seconds=settings.NOTIFICATION_RETRY_SECONDS + 1
    )
    with time_machine.travel(later, tick=False):
        assert circulars.circulars_due() == 1


@pytest.mark.django_db
def test_the_circular_lists_progress_overdue_departments_and_rates(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    circular = Circular.objects.create(month=datetime.date(2026, 3, 1))
    assert circulars.circular_render(circular_id=circular.pk) is True
    assert circulars.circular_render(circular_id=circular.pk) is False  # rendered once, kept
    circular.refresh_from_db()
    data = circular.pdf.read()
    assert circular.pdf_sha256 == hashlib.sha256(data).hexdigest()
    text = pdf_text(data)
    assert "督办工作通报" in text and "2026年3月重点任务和建议提案办理情况通报" in text
    assert "2026年1月1日至2026年3月31日" in text
    assert "共交办重点任务6项，已办结3项，其中按期办结2项" in text
    assert "交办建议提案答复5件，已答复3件" in text
    assert "办复率60%" in text and "按时办结率66.7%" in text and "办理满意率75%" in text
    assert "结果满意率50%" in text
    # overdue departments, worst first, with their longest overdue
    overdue = text[text.index("二、逾期单位") : text.index("三、各单位主要指标")]
    assert overdue.index("南通市科学技术局") < overdue.index("南通市教育局")
    assert "南通市科学技术协会" not in overdue


@pytest.mark.django_db
def test_the_secretariat_asks_for_one_and_the_overseers_read_it(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    people = world["people"]
    client.force_login(people["secretariat"])
    response = client.post(reverse("dashboard:circular_request"), {"month": "2026-03"})
    assert response.status_code == 302
    circular = Circular.objects.get()
    assert (circular.month, circular.origin, circular.requested_by) == (
        datetime.date(2026, 3, 1),
        "on_demand",
        people["secretariat"],
    )
    response = client.post(reverse("dashboard:circular_request"), {"month": "2026-07"}, follow=True)
    assert Circular.objects.count() == 1  # a month not begun is refused
    assert response.status_code == 200
    response = client.post(reverse("dashboard:circular_request"), {"month": "三月"}, follow=True)
    assert Circular.objects.count() == 1
    circulars.circular_render(circular_id=circular.pk)
    for name in ("secretariat", "leader"):
        client.force_login(people[name])
        assert client.get(reverse("dashboard:circulars")).status_code == 200
        response = client.get(reverse("dashboard:circular_pdf", args=[circular.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    for name in ("kjj_leader", "kjj_officer"):  # a circular names every department's figures
        client.force_login(people[name])
        assert client.get(reverse("dashboard:circulars")).status_code == 404
        assert client.get(reverse("dashboard:circular_pdf", args=[circular.pk])).status_code == 404
    client.force_login(people["leader"])  # reading, not asking
    assert client.post(reverse("dashboard:circular_request"), {"month": "2026-03"}).status_code == 403
    assert client.get(reverse("dashboard:circular_request")).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_the_worker_renders_a_circular_asked_for_on_demand(celery_worker, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    circular = circulars.circular_request(
        month=datetime.date(2026, 3, 1), user=world["people"]["secretariat"]
    )
    deadline = time.monotonic() + 60
    while not Circular.objects.filter(pk=circular.pk).exclude(pdf="").exists():
        assert time.monotonic() < deadline, "the worker did not render the circular"
        time.sleep(0.2)
    circular.refresh_from_db()
    assert circular.pdf_sha256 == hashlib.sha256(circular.pdf.read()).hexdigest()
