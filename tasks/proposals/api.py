"""The integration API of suggestions and proposals: register one (the secretariat's accounts),
read their state and their released reply letters, scoped as the pages are (``access``)."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import form_validated, validation_failed
from accounts.models import Department
from tasks.proposals import access, assignment, services
from tasks.proposals.forms import ProposalRegisterForm
from tasks.proposals.models import Proposal, Proposer, Reply
from workflows.documents.models import LetterDocument
from workflows.documents.services import DocumentIntegrityError, letter_pdf_read

TAG = _("Suggestions and proposals")


def _issued_letters(replies):
    """{reply pk: its issued letter} of rendered letters, in one query."""
    documents = LetterDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(Reply),
        object_id__in=[reply.pk for reply in replies],
        is_draft=False,
        status=LetterDocument.Status.DONE,
    )
    return {document.object_id: document for document in documents}


class ProposerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Proposer
        fields = ["name", "is_lead"]


class ReplyStateSerializer(serializers.ModelSerializer):
    """Where a handling department's reply stands; its draft stays with the department."""

    department_name = serializers.CharField(source="department.short_name", read_only=True)

    class Meta:
        model = Reply
        fields = ["id", "department", "department_name", "kind", "round", "status", "due", "released_at"]


class ProposalSerializer(serializers.ModelSerializer):
    proposers = ProposerSerializer(many=True, read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "kind",
            "session",
            "sitting",
            "number",
            "title",
            "content",
            "received_on",
            "mode",
            "is_public",
            "status",
            "lead_department",
            "co_departments",
            "proposers",
            "registered_at",
            "assigned_at",
            "sign_for_deadline",
            "signed_for_at",
        ]
        extra_kwargs = {
            "lead_department": {"help_text": _("The id of the lead handling department.")},
            "co_departments": {"help_text": _("The ids of the co-handling departments.")},
        }


class ProposalDetailSerializer(ProposalSerializer):
    replies = ReplyStateSerializer(many=True, read_only=True)

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "replies"]


class ProposalRegisterSerializer(serializers.Serializer):
    """登记并交办 as the registration page does, with the page's own checks."""

    kind = serializers.ChoiceField(
        choices=Proposal.Kind.choices,
        help_text=_("suggestion: from deputies (建议); proposal: from CPPCC members (提案)."),
    )
    session = serializers.CharField(max_length=60, help_text=_("The session (届次), e.g. 十六届."))
    sitting = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default="", help_text=_("The sitting (会次).")
    )
    number = serializers.CharField(max_length=20, help_text=_("Its number in the session."))
    title = serializers.CharField(max_length=300)
    content = serializers.CharField()
    proposers = serializers.ListField(
        child=serializers.CharField(max_length=50),
        allow_empty=False,
        max_length=100,
        help_text=_("The proposers' names, the lead proposer first."),
    )
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    mode = serializers.ChoiceField(choices=Proposal.Mode.choices, default=Proposal.Mode.LEAD)
    lead = serializers.IntegerField(help_text=_("The id of the lead handling department."))
    co_handlers = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        max_length=100,
        help_text=_("The ids of the co-handling departments."),
    )
    is_public = serializers.BooleanField(default=True, help_text=_("Whether the reply may be disclosed."))

    def validate(self, attrs):
        data = {
            **attrs,
            "proposer_names": "、".join(attrs["proposers"]),
            "received_on": attrs["received_on"] or "",
        }
        try:
            cleaned = form_validated(ProposalRegisterForm, data)
        except exceptions.ValidationError as error:
            detail = error.detail
            if "proposer_names" in detail:
                detail["proposers"] = detail.pop("proposer_names")
            raise
        return cleaned


class ProposalFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label=_("Its number, or words of its title"))
    lead_department = filters.ModelChoiceFilter(queryset=Department.objects.all())

    class Meta:
        model = Proposal
        fields = ["kind", "status", "session", "number", "lead_department"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(number=value) | Q(title__contains=value))


@extend_schema_view(
    get=extend_schema(
        summary=_("Suggestions and proposals"),
        description=_(
            "The suggestions and proposals the account may see: all of them for a secretariat account, "
            "those its department handles or co-handles otherwise. Newest first."
        ),
        tags=[TAG],
    ),
    post=extend_schema(
        summary=_("Register a suggestion or proposal"),
        description=_(
            "Registers it and assigns it to the lead handler and the co-handlers, as the registration "
            "page does (secretariat accounts only). Similar proposals are not merged: it is registered "
            "as sent. Bad input answers 400 with the errors by field and registers nothing."
        ),
        request=ProposalRegisterSerializer,
        responses={201: ProposalDetailSerializer},
        tags=[TAG],
    ),
)
class ProposalListView(generics.ListCreateAPIView):
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter

    def get_queryset(self):
        return (
            access.proposals_for_user(self.request.user)
            .order_by("-registered_at", "-id")
            .prefetch_related("proposers", "co_departments")
        )

    def create(self, request, *args, **kwargs):
        if not access.proposal_registers(request.user):
            raise exceptions.PermissionDenied(_("Only the secretariat registers suggestions and proposals."))
        serializer = ProposalRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            with transaction.atomic():
                proposal = services.proposal_register(
                    **services.registration_arguments(data), actor=request.user
                )
                assignment.proposal_assign(
                    proposal=proposal,
                    lead=data["lead"],
                    co_handlers=list(data["co_handlers"]),
                    actor=request.user,
                )
        except DjangoValidationError as error:
            raise validation_failed(error) from None
        proposal = self.get_queryset().prefetch_related("replies__department").get(pk=proposal.pk)
        return Response(ProposalDetailSerializer(proposal).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary=_("A suggestion or proposal and its state"),
        description=_("With where each handling department's reply stands; others' answer 404."),
        tags=[TAG],
    )
)
class ProposalDetailView(generics.RetrieveAPIView):
    serializer_class = ProposalDetailSerializer

    def get_object(self):
        proposals = access.proposals_for_user(self.request.user).prefetch_related(
            "proposers", "co_departments", "replies__department"
        )
        return generics.get_object_or_404(proposals, pk=self.kwargs["pk"])


class LetterSerializer(serializers.ModelSerializer):
    """A released reply and its issued letter (答复函)."""

    department_name = serializers.CharField(source="department.short_name", read_only=True)
    pdf = serializers.SerializerMethodField(
        help_text=_("Where to download the issued PDF; empty until rendered.")
    )
    pdf_sha256 = serializers.SerializerMethodField(help_text=_("The SHA-256 of the issued PDF."))

    class Meta:
        model = Reply
        fields = [
            "id",
            "department",
            "department_name",
            "kind",
            "round",
            "category",
            "text",
            "letter_number",
            "letter_date",
            "released_at",
            "pdf",
            "pdf_sha256",
        ]

    def get_pdf(self, reply) -> str:
        if reply.pk not in self.context["letters"]:
            return ""
        return self.context["request"].build_absolute_uri(reverse("api:letter_pdf", args=[reply.pk]))

    def get_pdf_sha256(self, reply) -> str:
        document = self.context["letters"].get(reply.pk)
        return document.pdf_sha256 if document is not None else ""


@extend_schema_view(
    get=extend_schema(
        summary=_("Released reply letters of a suggestion or proposal"),
        description=_("Every reply released to the proposers, with its letter's number, text and PDF."),
        tags=[TAG],
    )
)
class ProposalLetterListView(generics.ListAPIView):
    serializer_class = LetterSerializer
    queryset = Reply.objects.none()  # the schema's model; requests read get_queryset
    pagination_class = None

    def get_queryset(self):
        proposal = access.proposal_get_for_user(self.request.user, self.kwargs["pk"])
        return proposal.replies.filter(status=Reply.Status.RELEASED).select_related("department")

    def list(self, request, *args, **kwargs):
        replies = list(self.get_queryset())
        context = {**self.get_serializer_context(), "letters": _issued_letters(replies)}
        return Response(LetterSerializer(replies, many=True, context=context).data)


class LetterPdfView(APIView):
    @extend_schema(
        summary=_("The issued letter's PDF"),
        description=_(
            "Served only while its SHA-256 is the one recorded at issue (409 otherwise); 404 before "
            "the reply is released."
        ),
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            409: OpenApiResponse(description=_("Not rendered yet, or the stored file changed.")),
        },
        tags=[TAG],
    )
    def get(self, request, pk):
        reply = generics.get_object_or_404(
            access.replies_for_user(request.user).filter(status=Reply.Status.RELEASED), pk=pk
        )
        document = LetterDocument.objects.filter(
            content_type=ContentType.objects.get_for_model(Reply), object_id=reply.pk, is_draft=False
        ).first()
        if document is None:
            raise Http404
        try:
            content = letter_pdf_read(document)
        except DocumentIntegrityError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="letter-{reply.pk}.pdf"'
        return response
