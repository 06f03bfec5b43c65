"""Load the demo data (demo/data.py); loading it twice changes nothing."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, UserRole
from dashboard import circulars
from demo import data, duties
from demo.campaigns import campaigns_load
from demo.proposals import proposals_load
from tasks.duties.models import JointMeeting


def _departments(rows):
    departments = {}
    for code, name, short_name, kind in rows:
        departments[code], _created = Department.objects.get_or_create(
            code=code, defaults={"name": name, "short_name": short_name, "kind": kind}
        )
    return departments


def _meeting(spec, departments, member_codes):
    meeting, _created = JointMeeting.objects.get_or_create(
        name=spec["name"],
        defaults={
            "short_name": spec["short_name"],
            "convener": spec["convener"],
            "office": departments[spec["office"]],
            "basis": spec["basis"],
        },
    )
    meeting.members.add(*(departments[code] for code in member_codes))
    return meeting


def _users(departments):
    User = get_user_model()
    for username, name, department_code, roles, mobile in data.DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "name": name,
                "department": departments[department_code],
                "mobile": mobile,
                "email": f"{username}@demo.example.cn",
            },
        )
        if created:
            user.set_password(data.DEMO_PASSWORD)
            user.oversees_all = "leader" in roles
            user.save()
        for role in roles:
            UserRole.objects.get_or_create(user=user, role=role)
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"name": "系统管理员", "is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(data.DEMO_PASSWORD)
        admin.save()
    UserRole.objects.get_or_create(user=admin, role="admin")


@transaction.atomic
def demo_load():
    departments = _departments(
        data.NANTONG_MEMBERS
        + data.NANTONG_OTHERS
        + data.KUNSHAN_DEPARTMENTS
        + data.GUANGDONG_DEPARTMENTS
        + data.ZHEJIANG_DEPARTMENTS
    )
    nantong = _meeting(data.NANTONG_MEETING, departments, [row[0] for row in data.NANTONG_MEMBERS])
    zhejiang = _meeting(data.ZHEJIANG_MEETING, departments, [row[0] for row in data.ZHEJIANG_DEPARTMENTS])

    _users(departments)
    campaigns_load(departments)
    duties.duties_load(nantong=nantong, zhejiang=zhejiang, departments=departments)

    proposals_load(departments)
    # last month's 月度通报, as beat issues it on the first working day; the worker renders it
    circulars.circular_monthly_issue(month=circulars.previous_month(timezone.localdate()))
