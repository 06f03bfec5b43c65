"""红黄灯: the light of a duty or proposal is the worst light of its deadlines.

An open deadline is green, yellow or red; a closed one is green, or 逾期办结 (late) when it was
closed after its date, so work finished late never turns green again.
"""

import collections

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from workflows.escalation.access import deadlines_for_user
from workflows.escalation.models import LIGHT_SEVERITY, Light


def with_light(queryset, user):
    """Annotate subjects (duties, proposals) with ``light``: the worst light of the deadlines
    ``user`` may see (a co-handler does not see the lead department's), green when none."""
    today = timezone.localdate()
    effective = Case(
        # past its due date an open step is red at once, before the 催办 goes out the next working day
        When(closed_at__isnull=True, due__lt=today, then=Value(Light.RED)),
        When(closed_at__isnull=True, then=models.F("light")),
        When(closed_at__date__gt=models.F("due"), then=Value(Light.LATE)),
        default=Value(Light.GREEN),
        output_field=models.CharField(),
    )
    severity = Case(
        *(When(effective_light=light, then=Value(rank)) for light, rank in LIGHT_SEVERITY.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    worst = (
        deadlines_for_user(user)
        .filter(
            content_type=ContentType.objects.get_for_model(queryset.model), object_id=models.OuterRef("pk")
        )
        .annotate(effective_light=effective)
        .annotate(severity=severity)
        .order_by("-severity")
        .values("effective_light")[:1]
    )
    return queryset.annotate(light=Coalesce(models.Subquery(worst), Value(Light.GREEN)))


def lights_of(subjects, user):
    """{pk: light} of a page of subjects (all of one model), as ``with_light`` has it: their
    deadlines ``user`` may see in one plain query, the worst taken in Python (no subquery per
    row to build and run, for a list that shows its lights but does not filter on them)."""
    subjects = list(subjects)
    if not subjects:
        return {}
    deadlines = collections.defaultdict(list)
    found = deadlines_for_user(user).filter(
        content_type=ContentType.objects.get_for_model(subjects[0]),
        object_id__in=[subject.pk for subject in subjects],
    )
    for deadline in found.only("object_id", "due", "light", "closed_at"):
        deadlines[deadline.object_id].append(deadline)
    return {subject.pk: light_worst(deadlines[subject.pk]) for subject in subjects}


def light_worst(deadlines):
    """The light of an item: the worst light among its deadlines, green when it has none."""
    today = timezone.localdate()
    lights = [deadline.light_on(today) for deadline in deadlines]
    return max(lights, key=LIGHT_SEVERITY.__getitem__, default=Light.GREEN)
