"""The integration API of the reporting campaigns (信息报送): read the campaigns and their daily
reports, and file a host's daily report as the report page does, scoped as the pages are."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response

from accounts.api import form_validated, validation_failed
from tasks.campaigns import access, services
from tasks.campaigns.forms import DailyReportForm
from tasks.campaigns.models import Campaign, DailyReport

TAG = _("Reporting campaigns")
# the field a refusal of the filing service is about
FIELD_OF_REFUSAL = {"no_activity": "day", "future": "day", "duplicate": "day", "empty": "text"}


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "document_number",
            "organiser",
            "starts_on",
            "ends_on",
            "report_cutoff",
            "closes_on",
            "requirements",
        ]
        extra_kwargs = {"organiser": {"help_text": _("The id of the collecting department.")}}


class DailyReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = DailyReport
        fields = [
            "id",
            "department",
            "day",
            "is_nil",
            "text",
            "video_links",
            "leaders_attended",
            "leaders",
            "submitted_at",
            "is_late",
        ]
        read_only_fields = ["department", "submitted_at", "is_late"]
        extra_kwargs = {
            "day": {"help_text": _("The activity day reported (YYYY-MM-DD).")},
            "text": {"required": False, "allow_blank": True, "max_length": 20000},
            "video_links": {"required": False, "allow_blank": True, "help_text": _("One link per line.")},
            "leaders": {"required": False, "allow_blank": True},
        }


@extend_schema_view(
    get=extend_schema(
        summary=_("Reporting campaigns"),
        description=_(
            "The campaigns the account takes part in: those its department collects, hosts an activity "
            "of or joins; every campaign for a secretariat account."
        ),
        tags=[TAG],
    )
)
class CampaignListView(generics.ListAPIView):
    serializer_class = CampaignSerializer

    def get_queryset(self):
        return access.campaigns_for_user(self.request.user).order_by("-starts_on", "-pk")


@extend_schema_view(
    get=extend_schema(
        summary=_("Daily reports of a campaign"),
        description=_(
            "The collecting department reads every host's reports; a host department reads its own."
        ),
        tags=[TAG],
    ),
    post=extend_schema(
        summary=_("File a daily report"),
        description=_(
            "Files the account's department's report of one day, or its nil report (零报送), as the "
            "report page does (host departments' accounts only); the matrix shows it at once. A report "
            "after the cut-off is marked late. Bad input answers 400 with the errors by field and files "
            "nothing."
        ),
        responses={201: DailyReportSerializer},
        tags=[TAG],
    ),
)
class CampaignReportListView(generics.ListCreateAPIView):
    serializer_class = DailyReportSerializer
    queryset = DailyReport.objects.none()  # the schema's model; requests read get_queryset

    def get_campaign(self):
        return access.campaign_get_for_user(self.request.user, self.kwargs["pk"])

    def get_queryset(self):
        campaign = self.get_campaign()
        return (
            access.reports_for_user(self.request.user)
            .filter(campaign=campaign)
            .order_by("day", "department_id")
        )

    def create(self, request, *args, **kwargs):
        campaign, user = self.get_campaign(), request.user
        department = user.department
        if department is None or not access.host_departments(campaign).filter(pk=department.pk).exists():
            raise exceptions.PermissionDenied(
                _("Only the departments hosting its activities file daily reports.")
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cleaned = form_validated(DailyReportForm, serializer.validated_data)
        try:
            report = services.daily_report_file(
                campaign=campaign,
                department=department,
                day=cleaned["day"],
                user=user,
                is_nil=cleaned["is_nil"],
                text=cleaned["text"],
                video_links=cleaned["video_links"],
                leaders_attended=cleaned["leaders_attended"],
                leaders=cleaned["leaders"],
            )
        except DjangoValidationError as error:
            field = FIELD_OF_REFUSAL.get(getattr(error, "code", None))
            if field is not None:
                raise exceptions.ValidationError({field: error.messages}) from None
            raise validation_failed(error) from None
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)
