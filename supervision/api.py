"""/api/v1/ for stage 4: thin DRF views over the same selectors and services, scoped like
the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from congress.permissions import get_scope

from . import selectors, services
from .forms import InspectionForm, ProgressReportForm
from .models import GroupMember, LedgerItem, ProgressReport, SupervisionGroup
from .permissions import (
    user_can_answer_item,
    user_can_follow_item,
    user_can_inspect,
    user_can_report_progress,
)


class GroupMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="deputy.name", read_only=True)

    class Meta:
        model = GroupMember
        fields = ["deputy", "name", "is_leader", "duty", "match", "proximity", "load"]


class SupervisionGroupSerializer(serializers.ModelSerializer):
    members = GroupMemberSerializer(many=True, read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)

    class Meta:
        model = SupervisionGroup
        fields = ["id", "project", "project_title", "plan", "status", "confirmed_at", "members"]


class LedgerItemSerializer(serializers.ModelSerializer):
    # ``project`` is null for a 微建议 handed over without a project; ``township`` or
    # ``county`` (exactly one) is the congress body the item belongs to.
    class Meta:
        model = LedgerItem
        fields = [
            "id",
            "project",
            "township",
            "county",
            "kind",
            "source",
            "title",
            "detail",
            "department",
            "deadline",
            "report_required",
            "status",
            "answer",
            "escalated_at",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields


class ProgressReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "project",
            "period",
            "reported_on",
            "invested",
            "quantities",
            "percent_complete",
            "milestone",
            "status",
            "expected_completion",
            "over_budget",
            "slip_days",
        ]
        read_only_fields = fields


class SupervisionGroupViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SupervisionGroupSerializer

    def get_queryset(self):
        scope = get_scope(self.request.user)
        qs = SupervisionGroup.objects.select_related("project").prefetch_related("members__deputy")
        if not scope.is_superuser:
            qs = qs.filter(project__in=selectors.supervised_projects_visible_to(self.request.user))
        return qs.order_by("pk")


class LedgerHandOverInput(serializers.Serializer):
    department = serializers.CharField(max_length=100)
    deadline = serializers.DateField()
    note = serializers.CharField(max_length=1000, required=False, default="")


class LedgerAnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)


class LedgerCloseInput(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, default="")


class LedgerReopenInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class LedgerItemViewSet(viewsets.ReadOnlyModelViewSet):
    """The hand-over ledger; POST actions move an item along 交办 → 答复 → 复查 → 销号."""

    serializer_class = LedgerItemSerializer
    # Checked when the item is fetched, before the body is read (livelihood/api_access.py).
    action_permissions = {
        "hand_over": user_can_follow_item,
        "answer": user_can_answer_item,
        "close": user_can_follow_item,
        "reopen": user_can_follow_item,
    }

    def get_queryset(self):
        return selectors.items_visible_to(self.request.user).order_by("pk")

    def _run(self, request, input_class, service):
        item = self.get_object()
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        item = service(actor=request.user, item=item, **data.validated_data)
        return Response(LedgerItemSerializer(item).data)

    @extend_schema(request=LedgerHandOverInput, responses=LedgerItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=LedgerHandOverInput)
    def hand_over(self, request, pk=None):
        return self._run(request, LedgerHandOverInput, services.item_hand_over)

    @extend_schema(request=LedgerAnswerInput, responses=LedgerItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=LedgerAnswerInput)
    def answer(self, request, pk=None):
        return self._run(request, LedgerAnswerInput, services.item_answer)

    @extend_schema(request=LedgerCloseInput, responses=LedgerItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=LedgerCloseInput)
    def close(self, request, pk=None):
        return self._run(request, LedgerCloseInput, services.item_close)

    @extend_schema(request=LedgerReopenInput, responses=LedgerItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=LedgerReopenInput)
    def reopen(self, request, pk=None):
        return self._run(request, LedgerReopenInput, services.item_reopen)


class ProgressReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ProgressReportSerializer

    def get_queryset(self):
        return ProgressReport.objects.filter(
            project__in=selectors.supervised_projects_visible_to(self.request.user)
        ).order_by("pk")


# ---------------------------------------------------------------------------------------------
# A supervised project: its evidence, and recording an inspection or a progress report — the
# same forms (limits, photo budgets) and services as the pages.


class EvidenceSerializer(serializers.Serializer):
    """Supervision's figures of one project (supervision.selectors.project_evidence); DRF's
    JSON encoder writes its dates and decimals."""

    def to_representation(self, instance):
        return dict(instance)


class SupervisedProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    township = serializers.IntegerField(source="township_id")


class InspectionInput(serializers.Serializer):
    """Documents the multipart form (the page's InspectionForm validates it)."""

    date = serializers.DateField()
    attendees = serializers.ListField(child=serializers.IntegerField())
    notes = serializers.CharField(max_length=4000)
    problems = serializers.CharField(required=False, max_length=4000, help_text="one per line")
    photos = serializers.ListField(child=serializers.FileField(), required=False)
    keep_location = serializers.BooleanField(required=False)


class ProgressReportInput(serializers.Serializer):
    """Documents the multipart form (the page's ProgressReportForm validates it)."""

    period = serializers.CharField(max_length=16)
    reported_on = serializers.DateField()
    invested = serializers.DecimalField(max_digits=12, decimal_places=2)
    quantities = serializers.CharField(required=False)
    percent_complete = serializers.IntegerField(min_value=0, max_value=100)
    milestone = serializers.CharField(required=False, allow_blank=True)
    status = serializers.CharField()
    expected_completion = serializers.DateField(required=False, allow_null=True)
    narrative = serializers.CharField(required=False, max_length=4000)
    photos = serializers.ListField(child=serializers.FileField(), required=False)
    keep_location = serializers.BooleanField(required=False)


class CreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    items = serializers.ListField(child=serializers.IntegerField(), required=False)


def _form_errors(form) -> ValidationError:
    return ValidationError(
        {k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()}
    )


class SupervisedProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Elected projects under supervision in the caller's scope, with supervision's figures;
    the group records inspections and the implementing body progress reports (multipart, with
    photos), exactly as on the pages."""

    serializer_class = SupervisedProjectSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    action_permissions = {
        "inspections": user_can_inspect,
        "progress_reports": user_can_report_progress,
    }

    def get_queryset(self):
        return selectors.supervised_projects_visible_to(self.request.user).order_by("pk")

    @extend_schema(responses=EvidenceSerializer)
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        return Response(EvidenceSerializer(selectors.project_evidence(self.get_object())).data)

    @extend_schema(
        request={"multipart/form-data": InspectionInput}, responses={201: CreatedSerializer}
    )
    @action(detail=True, methods=["post"])
    def inspections(self, request, pk=None):
        project = self.get_object()
        group = getattr(project, "supervision_group", None)
        if group is None or not group.is_confirmed:
            raise ValidationError(
                {"detail": [_("The project has no confirmed supervision group yet.")]}
            )
        form = InspectionForm(request.data, request.FILES, group=group)
        if not form.is_valid():
            raise _form_errors(form)
        inspection = services.inspection_record(
            actor=request.user,
            project=project,
            date=form.cleaned_data["date"],
            attendees=form.cleaned_data["attendees"],
            notes=form.cleaned_data["notes"],
            photos=form.cleaned_data["photos"],
            keep_location=form.cleaned_data["keep_location"],
            problems=form.problem_lines(),
        )
        items = list(inspection.items.order_by("pk").values_list("pk", flat=True))
        return Response({"id": inspection.pk, "items": items}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": ProgressReportInput}, responses={201: CreatedSerializer}
    )
    @action(detail=True, methods=["post"], url_path="progress-reports")
    def progress_reports(self, request, pk=None):
        project = self.get_object()
        form = ProgressReportForm(request.data, request.FILES)
        if not form.is_valid():
            raise _form_errors(form)
        report = services.progress_report_submit(
            actor=request.user,
            project=project,
            photos=form.cleaned_data["photos"],
            keep_location=form.cleaned_data["keep_location"],
            **form.report_fields(),
        )
        return Response({"id": report.pk}, status=status.HTTP_201_CREATED)
