"""/api/v1/ for stage 4: thin DRF views over the same selectors and services, scoped like
the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from congress.permissions import get_scope

from . import selectors, services
from .models import GroupMember, LedgerItem, ProgressReport, SupervisionGroup
from .permissions import user_can_answer_item, user_can_follow_item


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
    class Meta:
        model = LedgerItem
        fields = [
            "id",
            "project",
            "township",
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
