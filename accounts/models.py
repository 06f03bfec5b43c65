from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A member unit (单位 / 部门) of a joint meeting."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("Government bureau")
        DISTRICT = "district", _("County or district")
        MASS_ORG = "mass_org", _("Mass organisation")
        PARTY = "party", _("Party organ")
        OTHER = "other", _("Other unit")

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BUREAU)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, editable=False, related_name="department")

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]
        permissions = [("handle_department_work", _("Handle the department's work"))]

    def __str__(self):
        return self.short_name

    def save(self, *args, **kwargs):
        if self.group_id is None:
            self.group, _created = Group.objects.get_or_create(name=self.group_name)
        super().save(*args, **kwargs)

    @property
    def group_name(self):
        return f"department:{self.code}"


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    HEAD = "head", _("Department head")
    LEADER = "leader", _("Leader")
    SECRETARIAT = "secretariat", _("Secretariat")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    """A person; belongs to one department and holds one or more roles."""

    name = models.CharField(_("full name"), max_length=50)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.username

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.sync_department_group()

    def get_full_name(self):
        return self.name or self.username

    def get_short_name(self):
        return self.name or self.username

    def sync_department_group(self):
        """Keep the user in exactly one department group: their own department's."""
        department_groups = self.groups.filter(department__isnull=False)
        stale = department_groups.exclude(department=self.department_id)
        if stale.exists():
            self.groups.remove(*stale)
        if self.department_id and not department_groups.filter(department=self.department_id).exists():
            self.groups.add(self.department.group)

    @property
    def role_set(self):
        if not hasattr(self, "_role_set"):
            self._role_set = frozenset(self.roles.values_list("role", flat=True))
        return self._role_set

    def has_role(self, *roles):
        return bool(self.role_set.intersection(roles))


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self):
        return self.get_role_display()
