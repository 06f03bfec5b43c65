"""Test data with domain names, written once: departments, people, and registered work."""

import factory

from accounts.models import Department, User, UserRole
from tasks.proposals import assignment, services

PASSWORD = "Test-pass-2026"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"nt-dept-{n}")
    short_name = factory.Sequence(lambda n: f"单位{n}")
    name = factory.LazyAttribute(lambda department: f"南通市{department.short_name}")
    kind = "bureau"


class UserFactory(factory.django.DjangoModelFactory):
    """A person in a department; ``roles=["officer"]`` gives their roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"工作人员{n}")
    department = factory.SubFactory(DepartmentFactory)
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.cn")

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or PASSWORD)
        if create:
            user.save()

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        for role in extracted or ():
            UserRole.objects.create(user=user, role=role)


def register_and_assign(
    *,
    lead,
    co_handlers=(),
    number="277",
    kind="suggestion",
    session="2017年",
    title="关于在南通市组织社会大众聚力创新的建议",
    content="建议在全市组织社会大众聚力创新。",
    proposers=("石剑波",),
    actor=None,
):
    """登记 then 交办, as the secretariat does (at the current, possibly travelled, time).

    The defaults are proposal 277 of seed 003; tests name what differs.
    """
    proposal = services.proposal_register(
        kind=kind,
        session=session,
        number=str(number),
        title=title,
        content=content,
        proposers=[{"name": name} for name in proposers],
        actor=actor,
    )
    assignment.proposal_assign(proposal=proposal, lead=lead, co_handlers=list(co_handlers), actor=actor)
    return proposal
