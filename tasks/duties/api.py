"""The integration API of duties (重点任务): read them and their reports, and file a progress
report as the lead department's report page does, scoped as the pages are (``access``)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.api import Conflict, form_validated, validation_failed
from accounts.models import Department
from tasks.duties import access, services
from tasks.duties.flows import DutyReportFlow
from tasks.duties.forms import ReportForm
from tasks.duties.models import Duty, DutyTable, ProgressReport
from workflows.desk.inbox import task_workable_by
from workflows.desk.steps import step_complete

TAG = _("Duties")


class DutySerializer(serializers.ModelSerializer):
    table_title = serializers.CharField(source="table.title", read_only=True)

    class Meta:
        model = Duty
        fields = [
            "id",
            "table",
            "table_title",
            "sequence",
            "title",
            "measures",
            "lead_leader",
            "lead",
            "cooperating",
            "status",
            "deadline",
            "deadline_text",
            "cycle",
            "report_day",
            "assigned_at",
            "sign_for_deadline",
            "signed_for_at",
            "completed_at",
        ]
        extra_kwargs = {
            "lead": {"help_text": _("The id of the lead department.")},
            "cooperating": {"help_text": _("The ids of the cooperating departments.")},
        }


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "kind",
            "period_label",
            "period_start",
            "period_end",
            "due",
            "status",
            "progress",
            "problems",
            "next_steps",
            "percentage",
            "submitted_at",
            "head_decision",
            "head_comment",
            "decision",
            "decision_note",
        ]


class ReportFileSerializer(serializers.Serializer):
    report = serializers.IntegerField(
        required=False,
        help_text=_("The id of the report to write; by default the earliest one waiting to be written."),
    )
    progress = serializers.CharField(
        help_text=_("Progress (进展情况), or what was done for a completion report.")
    )
    problems = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Problems (存在问题)")
    )
    next_steps = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Next steps (下步计划)")
    )
    percentage = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=100,
        help_text=_("Percentage done; required for a progress report, 100 for a completion report."),
    )


def _tables_of_request(request):
    """The tables the account may see: another's table is refused as an unknown choice."""
    return DutyTable.objects.none() if request is None else access.tables_for_user(request.user)


class DutyFilter(filters.FilterSet):
    lead = filters.ModelChoiceFilter(queryset=Department.objects.all())
    table = filters.ModelChoiceFilter(queryset=_tables_of_request)

    class Meta:
        model = Duty
        fields = ["status", "cycle", "lead", "table"]


@extend_schema_view(
    get=extend_schema(
        summary=_("Duties"),
        description=_(
            "The duties the account may see: every duty for a secretariat account, otherwise those its "
            "department leads or cooperates on (never one not yet assigned)."
        ),
        tags=[TAG],
    )
)
class DutyListView(generics.ListAPIView):
    serializer_class = DutySerializer
    filterset_class = DutyFilter

    def get_queryset(self):
        return (
            access.duties_for_user(self.request.user)
            .select_related("table")
            .prefetch_related("cooperating")
            .order_by("table_id", "sequence", "pk")
        )


@extend_schema_view(get=extend_schema(summary=_("One duty"), tags=[TAG]))
class DutyDetailView(generics.RetrieveAPIView):
    serializer_class = DutySerializer

    def get_object(self):
        duties = (
            access.duties_for_user(self.request.user).select_related("table").prefetch_related("cooperating")
        )
        return generics.get_object_or_404(duties, pk=self.kwargs["pk"])


def _report_steps(duty):
    """{report pk: its open writing step} of the duty's reports waiting to be written."""
    tasks = Task.objects.filter(
        process__in=duty.processes(),
        flow_task=DutyReportFlow.write,
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    ).select_related("process", "owner")
    return {int(task.process.seed_object_id): task for task in tasks}


@extend_schema_view(
    get=extend_schema(
        summary=_("Reports of a duty"),
        description=_("Its progress reports and its completion report, as the duty's page shows them."),
        tags=[TAG],
    ),
    post=extend_schema(
        summary=_("File a progress report"),
        description=_(
            "Writes the report waiting for the lead department and sends it to the department head for "
            "sign-off, as the report page does (the lead department's accounts only). Bad input answers "
            "400 with the errors by field and writes nothing."
        ),
        request=ReportFileSerializer,
        responses={201: ReportSerializer},
        tags=[TAG],
    ),
)
class DutyReportListView(generics.ListCreateAPIView):
    serializer_class = ReportSerializer
    queryset = ProgressReport.objects.none()  # the schema's model; requests read get_queryset
    pagination_class = None

    def get_duty(self):
        return access.duty_get_for_user(self.request.user, self.kwargs["pk"])

    def get_queryset(self):
        return self.get_duty().reports.order_by("kind", "period_start", "pk")

    def create(self, request, *args, **kwargs):
        duty, user = self.get_duty(), request.user
        serializer = ReportFileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        steps = _report_steps(duty)
        waiting = ProgressReport.objects.filter(duty=duty, pk__in=steps).order_by("due", "period_start", "pk")
        if "report" in data:
            waiting = waiting.filter(pk=data["report"])
        report = waiting.first()
        if report is None:
            field = "report" if "report" in data else "non_field_errors"
            raise exceptions.ValidationError({field: [_("No report of this duty is waiting to be written.")]})
        task = steps[report.pk]
        if not task_workable_by(user, task):
            raise exceptions.PermissionDenied(_("Only the lead department's officers write its reports."))
        cleaned = form_validated(ReportForm, {**data, "percentage": data.get("percentage")}, report=report)
        try:
            step_complete(
                task=task,
                user=user,
                node=DutyReportFlow.write,
                write=lambda _task: services.report_submit(
                    report=report,
                    user=user,
                    progress=cleaned["progress"],
                    problems=cleaned["problems"],
                    next_steps=cleaned["next_steps"],
                    percentage=cleaned["percentage"],
                ),
            )
        except DjangoValidationError as error:
            raise validation_failed(error) from None
        except FlowLockFailed:
            raise Conflict(_("The item is being updated by someone else; please try again.")) from None
        report.refresh_from_db()
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)
