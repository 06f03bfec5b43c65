"""The demo leader's home page is the dashboard, with the demo's real numbers."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from dashboard.circulars import previous_month
from dashboard.models import Circular
from demo.loader import demo_load

pytestmark = pytest.mark.django_db


def test_the_demo_leader_lands_on_the_dashboard_with_real_numbers(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        demo_load()
    client.force_login(get_user_model().objects.get(username="leader"))
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard:index")
    content = response.content.decode()
    assert 'data-department="nt-kx"' in content and 'data-department="nt-kjj"' in content
    assert "鼓励和推动各县（市）区建立双创社团" in content  # 科协's overdue report
    # last month's circular is issued and queued for the worker, once however often the demo loads
    circular = Circular.objects.get()
    assert circular.month == previous_month(timezone.localdate()) and circular.origin == "monthly"
    assert queued
    demo_load()
    assert Circular.objects.count() == 1
