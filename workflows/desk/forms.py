from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from accounts.fields import QueryFilterForm


class DeskOrderForm(QueryFilterForm):
    ORDERS = {
        "created": ("created", "pk"),
        "due": (F("deadline__due").asc(nulls_last=True), "created", "pk"),
    }

    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[("created", _("Oldest first")), ("due", _("Soonest deadline first"))],
        required=False,
    )
