from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils import timezone
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
        elif self.group.name != self.group_name:
            self.group.name = self.group_name
            self.group.save(update_fields=["name"])
        super().save(*args, **kwargs)

    @property
    def group_name(self):
        return f"department:{self.code}"


class Role(models.TextChoices):
    """A user's roles; several are allowed."""

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
    oversees = models.ManyToManyField(
        Department,
        verbose_name=_("departments overseen"),
        blank=True,
        related_name="overseers",
        help_text=_("For leaders: the departments whose work they watch."),
    )
    oversees_all = models.BooleanField(
        _("oversees all departments"), default=False, help_text=_("For leaders and conveners.")
    )
    is_system_account = models.BooleanField(
        _("system account"),
        default=False,
        editable=False,
        help_text=_("Another system calling the API with a token; it never logs in with a password."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.username

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "department" in update_fields:
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


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        from django.contrib.contenttypes.models import ContentType

        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).select_related("actor", "department")

    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only")

    def delete(self):
        raise TypeError("The audit trail is append-only")


class AuditEvent(models.Model):
    """留痕: one append-only record of who did what, when, to which object, before and after."""

    class Action(models.TextChoices):
        REGISTER = "register", _("Registered")
        ASSIGN = "assign", _("Assigned")
        REASSIGN = "reassign", _("Reassigned")
        SIGN_FOR = "sign_for", _("Signed for")
        SUBMIT = "submit", _("Submitted")
        APPROVE = "approve", _("Approved")
        RETURN = "return", _("Returned")
        REMIND = "remind", _("Reminder sent")
        URGE = "urge", _("Urging notice (催办) issued")
        SUPERVISE = "supervise", _("Supervision notice (督办) issued")
        EXTEND = "extend", _("Deadline extended")
        PERM_GRANT = "perm_grant", _("Permission granted")
        PERM_REVOKE = "perm_revoke", _("Permission revoked")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKED_OUT = "locked_out", _("Locked out after failed logins")
        LOCKOUT_LIFTED = "lockout_lifted", _("Login lock-out lifted")
        LOGOUT = "logout", _("Logged out")
        USER_CHANGE = "user_change", _("User changed")
        DEPARTMENT_CHANGE = "department_change", _("Department changed")
        CALENDAR_CHANGE = "calendar_change", _("Working-day calendar changed")
        API_TOKEN_ISSUE = "api_token_issue", _("API token issued")
        API_TOKEN_REVOKE = "api_token_revoke", _("API token revoked")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        User, verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices, db_index=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True, default="")
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.CharField(_("what"), max_length=500)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    restricted = models.BooleanField(
        _("for the department concerned only"),
        default=False,
        help_text=_(
            "Escalation notices and extension requests: shown to the department, its leaders and "
            "the secretariat."
        ),
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only")


class ApiToken(models.Model):
    """A system account's key to the integration API. Only the key's SHA-256 is kept: the key is
    shown once, when the secretariat issues it."""

    account = models.ForeignKey(
        User, verbose_name=_("system account"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    label = models.CharField(_("label"), max_length=100)
    prefix = models.CharField(_("key begins with"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    created_by = models.ForeignKey(
        User, verbose_name=_("issued by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("revoked by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.label} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None
