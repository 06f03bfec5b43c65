"""Department names as documents write them: 市科技局, 南通市科技局, 中共南通市委宣传部, 科技局.

``DepartmentNames`` looks a name up among preferred departments first (a joint meeting's
members), then among every active department, by full name, short name, or either without the
city and Party prefixes; an unknown name gets the closest names as suggestions.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

from accounts.imports import department_suggestions
from accounts.models import Department

# 南通市 / 市 / 中共…市委 / 市人民政府 in front of a department's name (not 市场监管局)
NAME_PREFIX = re.compile(
    r"^(?:中共)?(?:[\u4e00-\u9fff]{2,3}省)?(?:[\u4e00-\u9fff]{2,3}市|市(?!场))?(?:委(?!员)|人民政府|政府)?"
)


def name_key(name):
    """A name without spaces and without the city and Party prefixes."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    stripped = NAME_PREFIX.sub("", text, count=1)
    return stripped or text


class DepartmentNames:
    def __init__(self, preferred=()):
        self.preferred = list(preferred)
        self.everyone = list(Department.objects.filter(is_active=True).order_by("code"))
        self.indexes = [self._index(self.preferred), self._index(self.everyone)]

    @staticmethod
    def _index(departments):
        index = {}
        for department in departments:
            for name in {department.name, department.short_name}:
                for key in {unicodedata.normalize("NFKC", name), name_key(name)}:
                    index.setdefault(key, {})[department.pk] = department
        return index

    def find(self, name):
        """(department, None) or (None, the problem in words)."""
        name = unicodedata.normalize("NFKC", name).strip()
        for index in self.indexes:
            for key in (name, name_key(name)):
                found = list(index.get(key, {}).values())
                if len(found) == 1:
                    return found[0], None
                if len(found) > 1:
                    return None, _(
                        "Several departments are called “%(name)s”; use the full name: %(names)s."
                    ) % {
                        "name": name,
                        "names": "、".join(department.name for department in found),
                    }
        suggestions = department_suggestions(name_key(name), self.everyone)
        if suggestions:
            return None, _("Unknown department “%(name)s”. Did you mean: %(suggestions)s?") % {
                "name": name,
                "suggestions": "、".join(suggestions),
            }
        return None, _("Unknown department “%(name)s”.") % {"name": name}
