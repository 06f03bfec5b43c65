"""Bulk import of users from .xlsx (姓名, 单位, 角色, 手机, 邮箱): all rows or none.

``user_import_parse`` validates every row and returns the rows ready to create together with
row-level errors; ``user_import_apply`` creates them in one transaction after validating again.
"""

import difflib
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditEvent, Department, Role, UserRole

COLUMNS = ["姓名", "单位", "角色", "手机", "邮箱"]
ROLE_NAMES = {
    "经办人": Role.OFFICER,
    "部门负责人": Role.HEAD,
    "负责人": Role.HEAD,
    "分管领导": Role.LEADER,
    "领导": Role.LEADER,
    "秘书处": Role.SECRETARIAT,
    "联席会议办公室": Role.SECRETARIAT,
    "管理员": Role.ADMIN,
    "系统管理员": Role.ADMIN,
}
MOBILE = re.compile(r"^1[3-9]\d{9}$")
MAX_ROWS = 5000


class ImportFileError(Exception):
    """The file as a whole cannot be read."""


@dataclass
class ImportRow:
    line: int
    name: str
    department_name: str
    roles_text: str
    mobile: str
    email: str
    department: Department | None = None
    roles: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_rows(file):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not .xlsx
        raise ImportFileError(_("The file is not a valid Excel workbook (.xlsx).")) from exc
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    workbook.close()
    if not rows:
        raise ImportFileError(_("The workbook is empty."))
    header = [_cell(value) for value in rows[0]]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise ImportFileError(
            _("The first row must name the columns %(columns)s; missing: %(missing)s.")
            % {"columns": "、".join(COLUMNS), "missing": "、".join(missing)}
        )
    positions = [header.index(column) for column in COLUMNS]
    data = [
        (line, [_cell(row[i]) if i < len(row) else "" for i in positions])
        for line, row in enumerate(rows[1:], start=2)
        if any(_cell(value) for value in row)
    ]
    if not data:
        raise ImportFileError(_("The workbook has no user rows below the header."))
    if len(data) > MAX_ROWS:
        raise ImportFileError(_("At most %(max)s users can be imported at once.") % {"max": MAX_ROWS})
    return data


def department_suggestions(name, departments):
    """Closest existing department names for an unknown one (e.g. 市科技局 → 科技局)."""
    names = {}
    for department in departments:
        names[department.name] = department
        names[department.short_name] = department
    candidates = [candidate for candidate in names if candidate and (candidate in name or name in candidate)]
    candidates += difflib.get_close_matches(name, list(names), n=3, cutoff=0.6)
    seen, result = set(), []
    for candidate in candidates:
        department = names[candidate]
        if department.pk not in seen:
            seen.add(department.pk)
            result.append(department.short_name)
    return result[:3]


def _match_department(name, departments):
    """The department with this full name, or the only one with this short name."""
    for department in departments:
        if name == department.name:
            return department
    by_short_name = [department for department in departments if name == department.short_name]
    if len(by_short_name) > 1:
        raise _AmbiguousDepartment([department.name for department in by_short_name])
    return by_short_name[0] if by_short_name else None


class _AmbiguousDepartment(Exception):
    def __init__(self, names):
        super().__init__(names)
        self.names = names


def user_import_parse(file):
    """Read and validate the workbook. Returns the rows; a row with errors blocks the import."""
    User = get_user_model()
    departments = list(Department.objects.filter(is_active=True))
    rows = [ImportRow(line, *values) for line, values in _read_rows(file)]

    existing_mobiles = set(
        User.objects.filter(mobile__in=[row.mobile for row in rows if row.mobile]).values_list(
            "mobile", flat=True
        )
    )
    existing_usernames = set(
        User.objects.filter(username__in=[row.mobile for row in rows if row.mobile]).values_list(
            "username", flat=True
        )
    )
    existing_people = set(
        User.objects.filter(name__in=[row.name for row in rows if row.name]).values_list(
            "name", "department_id"
        )
    )
    seen_mobiles, seen_people = {}, {}

    for row in rows:
        if not row.name:
            row.errors.append(_("Name is empty."))
        if not row.department_name:
            row.errors.append(_("Department is empty."))
        else:
            try:
                row.department = _match_department(row.department_name, departments)
            except _AmbiguousDepartment as ambiguous:
                row.errors.append(
                    _("Several departments are called “%(name)s”; use the full name: %(names)s.")
                    % {"name": row.department_name, "names": "、".join(ambiguous.names)}
                )
            if row.department is None and not row.errors:
                suggestions = department_suggestions(row.department_name, departments)
                if suggestions:
                    row.errors.append(
                        _("Unknown department “%(name)s”. Did you mean: %(suggestions)s?")
                        % {"name": row.department_name, "suggestions": "、".join(suggestions)}
                    )
                else:
                    row.errors.append(_("Unknown department “%(name)s”.") % {"name": row.department_name})
        role_names = [part.strip() for part in re.split(r"[、，,;；\s]+", row.roles_text) if part.strip()]
        if not role_names:
            row.errors.append(_("Role is empty."))
        for role_name in role_names:
            if role_name in ROLE_NAMES:
                if ROLE_NAMES[role_name] not in row.roles:
                    row.roles.append(ROLE_NAMES[role_name])
            else:
                row.errors.append(
                    _("Unknown role “%(role)s”; use %(roles)s.")
                    % {
                        "role": role_name,
                        "roles": "、".join(["经办人", "部门负责人", "分管领导", "秘书处", "管理员"]),
                    }
                )
        if not MOBILE.match(row.mobile):
            row.errors.append(
                _("Mobile number “%(mobile)s” is not an 11-digit mainland number.") % {"mobile": row.mobile}
            )
        elif row.mobile in existing_mobiles or row.mobile in existing_usernames:
            row.errors.append(
                _("A user with mobile number %(mobile)s already exists.") % {"mobile": row.mobile}
            )
        elif row.mobile in seen_mobiles:
            row.errors.append(
                _("Mobile number %(mobile)s is repeated from row %(line)s.")
                % {"mobile": row.mobile, "line": seen_mobiles[row.mobile]}
            )
        else:
            seen_mobiles[row.mobile] = row.line
        if row.email:
            try:
                validate_email(row.email)
            except ValidationError:
                row.errors.append(_("E-mail address “%(email)s” is not valid.") % {"email": row.email})
        if row.department and (row.name, row.department.pk) in existing_people:
            row.errors.append(
                _("%(department)s already has a user named %(name)s; add namesakes one by one.")
                % {"name": row.name, "department": row.department.short_name}
            )
        person = (row.name, row.department_name)
        if row.name and person in seen_people:
            row.errors.append(
                _("%(name)s of %(department)s is repeated from row %(line)s.")
                % {"name": row.name, "department": row.department_name, "line": seen_people[person]}
            )
        elif row.name:
            seen_people[person] = row.line
    return rows


@transaction.atomic
def user_import_apply(*, rows, actor):
    """Create every user of a validated import, or none. Returns (user, initial password) pairs."""
    if any(row.errors for row in rows):
        raise ValueError("an import with row errors cannot be applied")
    User = get_user_model()
    created = []
    for row in rows:
        password = secrets.token_urlsafe(9)
        user = User.objects.create_user(
            username=row.mobile,
            password=password,
            name=row.name,
            department=row.department,
            mobile=row.mobile,
            email=row.email,
        )
        UserRole.objects.bulk_create([UserRole(user=user, role=role) for role in row.roles])
        created.append((user, password))
    audit_record(
        action=AuditEvent.Action.USER_CHANGE,
        summary=f"批量导入用户{len(created)}名",
        actor=actor,
        after={"usernames": [user.username for user, _password in created]},
    )
    return created


STASH_HOURS = 2


def _stash_dir():
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload_stash(*, content, actor):
    """Keep a previewed upload (any import's) until it is confirmed; returns the token the
    confirm form carries."""
    cutoff = time.time() - STASH_HOURS * 3600
    for old in _stash_dir().glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (_stash_dir() / f"{actor.pk}-{token}.xlsx").write_bytes(content)
    return token


def upload_unstash(*, token, actor):
    """The previewed file for this token and user (once), or None."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{32}", token):
        return None
    path = _stash_dir() / f"{actor.pk}-{token}.xlsx"
    if not path.exists() or path.stat().st_mtime < time.time() - STASH_HOURS * 3600:
        return None
    content = path.read_bytes()
    path.unlink(missing_ok=True)
    return content
