"""The one way views, downloads and exports fetch duties for a user (others' answer 404)."""

from django.shortcuts import get_object_or_404

from accounts.access import scoped_for_user
from tasks.duties.models import Duty


def duties_for_user(user):
    return scoped_for_user(user, Duty, ["lead", "cooperating"])


def duty_get_for_user(user, pk):
    return get_object_or_404(duties_for_user(user), pk=pk)
