"""Form fields and checks shared by every app."""

import unicodedata

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def single_line_validate(value):
    """A one-line field takes no line breaks, tabs or other control characters: they would break
    e-mail headers, spreadsheet cells and document numbers later."""
    if any(unicodedata.category(character) == "Cc" for character in value):
        raise ValidationError(
            _("This field is one line: remove line breaks, tabs and other control characters."),
            code="control_characters",
        )


class SingleLineFieldsMixin:
    """Forms whose one-line text inputs refuse control characters (text areas keep line breaks)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.Textarea):
                field.validators.append(single_line_validate)


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


class QueryFilterForm(forms.Form):
    """Filters a list page reads from its URL: a value that does not validate is ignored and
    named in a message, never passed to the database."""

    def filters(self, request):
        self.is_valid()
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else name
            messages.warning(
                request,
                _("The filter “%(field)s” was ignored: %(error)s") % {"field": label, "error": errors[0]},
            )
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
