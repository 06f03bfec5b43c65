"""The integration API's common parts: field-level errors from the pages' own forms and services,
the token scheme in the schema, and the departments' endpoints. Authentication, rate limit and
pagination are in ``api_auth``; each process's endpoints live in its own package (``tasks/*/api.py``)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, generics, serializers

from accounts.models import Department

NON_FIELD = "non_field_errors"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api_auth.ApiTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"


def form_errors(form):
    """A bound, invalid Django form's errors as the API's field-level errors."""
    return {
        NON_FIELD if field == "__all__" else field: list(messages) for field, messages in form.errors.items()
    }


def validation_failed(error: DjangoValidationError):
    """A service's refusal (Django's ValidationError) as the API's 400, by field where it names one."""
    if hasattr(error, "error_dict"):
        detail = {
            NON_FIELD if field == "__all__" else field: messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {NON_FIELD: error.messages}
    return exceptions.ValidationError(detail)


def form_validated(form_class, data, **kwargs):
    """Validate ``data`` with the page's form, so that the API enforces exactly the page's rules;
    the cleaned data, or a 400 with the form's errors by field."""
    form = form_class(data=data, **kwargs)
    if not form.is_valid():
        raise exceptions.ValidationError(form_errors(form))
    return form.cleaned_data


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "short_name", "kind", "parent", "is_active"]
        extra_kwargs = {
            "code": {"help_text": _("The department's code, stable across renamings.")},
            "parent": {"help_text": _("The id of the department it belongs to, if any.")},
        }


@extend_schema_view(
    get=extend_schema(
        summary=_("Departments"),
        description=_(
            "The member units of the joint meeting, for choosing the lead handler and the co-handlers "
            "when registering a proposal. Any account may read them."
        ),
        tags=[_("Departments")],
    )
)
class DepartmentListView(generics.ListAPIView):
    serializer_class = DepartmentSerializer
    queryset = Department.objects.order_by("code")
    filterset_fields = ["kind", "is_active", "code"]


@extend_schema_view(
    get=extend_schema(summary=_("One department"), tags=[_("Departments")]),
)
class DepartmentDetailView(generics.RetrieveAPIView):
    serializer_class = DepartmentSerializer
    queryset = Department.objects.all()
