"""红黄灯: the light of a duty or proposal is the worst light of its open deadlines."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from workflows.escalation.models import LIGHT_SEVERITY, Deadline, Light


def with_light(queryset):
    """Annotate subjects (duties, proposals) with ``light``: the worst light of their open
    deadlines, green when none is open."""
    # past its due date a step is red at once, before the 催办 goes out the next working day
    effective = Case(
        When(due__lt=timezone.localdate(), then=Value(Light.RED)),
        default=models.F("light"),
        output_field=models.CharField(),
    )
    severity = Case(
        When(effective_light=Light.RED, then=Value(2)),
        When(effective_light=Light.YELLOW, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    worst = (
        Deadline.objects.open()
        .filter(
            content_type=ContentType.objects.get_for_model(queryset.model), object_id=models.OuterRef("pk")
        )
        .annotate(effective_light=effective)
        .annotate(severity=severity)
        .order_by("-severity")
        .values("effective_light")[:1]
    )
    return queryset.annotate(light=Coalesce(models.Subquery(worst), Value(Light.GREEN)))


def light_worst(deadlines):
    """The light of an item: the worst among its open deadlines, green when none is open."""
    lights = [deadline.current_light for deadline in deadlines if deadline.is_open]
    return max(lights, key=LIGHT_SEVERITY.__getitem__, default=Light.GREEN)
