"""Form fields shared by every app."""

from django import forms
from django.utils.translation import gettext_lazy as _


class LimitedCharField(forms.CharField):
    """A text field with a length limit that the form states and checks on the server.

    Django's ``maxlength`` attribute makes the browser cut pasted text silently at the limit;
    this field leaves it out, says the limit in its help text and answers a longer text with an
    error, so nothing the user typed is lost without notice.
    """

    def __init__(self, *, max_length, **kwargs):
        kwargs.setdefault("help_text", _("At most %(limit)d characters.") % {"limit": max_length})
        super().__init__(max_length=max_length, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs
