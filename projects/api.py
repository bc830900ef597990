"""/api/v1/ for stages 1–2: thin DRF views over the same selectors and services.

Public (no account): ``POST public-suggestions/`` (through a QR link's token) and
``GET receipts/<code>/``. Everything else is scoped like the pages.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from . import domain, filters, ratelimit, selectors, services
from .models import (
    AnnualPlan,
    Candidate,
    CandidateList,
    Project,
    RoundDecision,
    ShortlistDecision,
    ShortlistRound,
    Suggestion,
)
from .permissions import user_can_manage_plan, user_can_triage_suggestions

# ---------------------------------------------------------------------------------------------
# Serializers


class SuggestionSerializer(serializers.ModelSerializer):
    """Staff view of a suggestion, with the proposer's private contact."""

    receipt_code = serializers.CharField(source="receipt_display", read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True, default=None)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "township",
            "receipt_code",
            "title",
            "content",
            "category",
            "village",
            "location",
            "implementing_body",
            "estimated_investment",
            "funding_source",
            "deadline",
            "necessity",
            "proposer_name",
            "proposer_phone",
            "channel",
            "deputy",
            "station",
            "status",
            "project",
            "project_title",
            "rejection_reason",
            "reply",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class PublicSuggestionCreateSerializer(serializers.ModelSerializer):
    intake = serializers.CharField(
        max_length=12, write_only=True, help_text="The QR link's short code."
    )

    class Meta:
        model = Suggestion
        fields = [
            "intake",
            "title",
            "content",
            "location",
            "estimated_investment",
            "funding_source",
            "implementing_body",
            "deadline",
            "necessity",
            "proposer_name",
            "proposer_phone",
        ]


class ReceiptCodeSerializer(serializers.Serializer):
    receipt_code = serializers.CharField()
    status = serializers.CharField()


class ReceiptSerializer(serializers.Serializer):
    """What a proposer sees with the receipt code: no personal data."""

    receipt_code = serializers.CharField()
    title = serializers.CharField()
    township = serializers.CharField()
    village = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    status_display = serializers.CharField()
    rejection_reason = serializers.CharField()
    reply = serializers.CharField()
    received_at = serializers.DateTimeField()
    project = serializers.DictField(allow_null=True)


class MergeSerializer(serializers.Serializer):
    project = serializers.IntegerField(required=False, allow_null=True)
    also = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Other suggestions to merge."
    )
    reply = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=64)
    reply = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ProjectSerializer(serializers.ModelSerializer):
    villages = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "township",
            "title",
            "content",
            "category",
            "villages",
            "location",
            "estimated_investment",
            "funding_source",
            "implementing_body",
            "deadline",
            "expected_benefit",
            "necessity",
            "status",
            "created_at",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShortlistDecision
        fields = ["project", "decision", "reason", "recorded_at"]


class RoundSerializer(serializers.ModelSerializer):
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = ShortlistRound
        fields = ["id", "plan", "position", "name", "decisions"]


class DecideSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=RoundDecision.choices)
    reason = serializers.CharField(max_length=500)


class CandidateSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="project.title")
    content = serializers.CharField(source="project.content")
    location = serializers.CharField(source="project.location")
    estimated_investment = serializers.DecimalField(
        source="project.estimated_investment", max_digits=12, decimal_places=2, allow_null=True
    )
    deadline = serializers.DateField(source="project.deadline", allow_null=True)

    class Meta:
        model = Candidate
        fields = [
            "position",
            "project",
            "title",
            "content",
            "location",
            "estimated_investment",
            "deadline",
        ]


class CandidateListSerializer(serializers.ModelSerializer):
    candidates = CandidateSerializer(many=True, read_only=True)
    is_locked = serializers.BooleanField(read_only=True)
    slots = serializers.IntegerField(source="plan.slots", read_only=True)
    year = serializers.IntegerField(source="plan.year", read_only=True)

    class Meta:
        model = CandidateList
        fields = ["id", "plan", "year", "slots", "is_locked", "locked_at", "candidates"]


class PlanSerializer(serializers.ModelSerializer):
    rounds = serializers.SerializerMethodField()
    funnel = serializers.SerializerMethodField()

    class Meta:
        model = AnnualPlan
        fields = ["id", "township", "year", "slots", "rounds", "funnel"]

    def get_rounds(self, obj) -> list[str]:
        return [r.name for r in obj.rounds.all()]

    def get_funnel(self, obj) -> dict[str, int]:
        if self.context.get("view") and self.context["view"].action == "list":
            return {}
        return dict(selectors.plan_funnel(obj))


# ---------------------------------------------------------------------------------------------
# Public endpoints


class PublicSuggestionViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """A resident's suggestion through a QR link (``intake``: the link's short code)."""

    serializer_class = PublicSuggestionCreateSerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []
    queryset = Suggestion.objects.none()

    @extend_schema(
        responses={201: ReceiptCodeSerializer},
        description="Returns the receipt code to look the suggestion up with.",
    )
    def create(self, request, *args, **kwargs):
        limit, window = getattr(settings, "PROJECTS_SUBMIT_LIMIT", (5, 600))
        if not ratelimit.hit(request, scope="submit", limit=limit, window=window):
            raise Throttled(wait=window)
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        link = selectors.intake_link_by_token(fields.pop("intake"))
        if link is None:
            raise ValidationError({"intake": ["Unknown QR code."]})
        suggestion = services.suggestion_submit_public(link=link, **fields)
        return Response(
            {"receipt_code": suggestion.receipt_display, "status": suggestion.status},
            status=status.HTTP_201_CREATED,
        )


class ReceiptViewSet(viewsets.GenericViewSet):
    """Look a suggestion up by its receipt code: status, reply and the project's lineage."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = ReceiptSerializer
    lookup_field = "code"
    lookup_value_regex = r"[0-9A-Za-z\-]{4,20}"
    queryset = Suggestion.objects.none()

    def retrieve(self, request, code=None):
        limit, window = getattr(settings, "PROJECTS_LOOKUP_LIMIT", (30, 60))
        if not ratelimit.hit(request, scope="lookup", limit=limit, window=window):
            raise Throttled(wait=window)
        suggestion = selectors.suggestion_by_receipt(code or "")
        if suggestion is None:
            raise NotFound
        project = None
        if suggestion.project_id:
            lineage = selectors.project_lineage(suggestion.project)
            project = {
                "title": lineage.project.title,
                "status": lineage.project.status,
                "villages": [v.name for v in lineage.villages],
                "history": [
                    {"at": c.at.isoformat(), "status": c.to_status, "note": c.note}
                    for c in lineage.status_changes
                ],
                "decisions": [
                    {
                        "year": d.round.plan.year,
                        "round": d.round.name,
                        "decision": d.decision,
                        "reason": d.reason,
                    }
                    for d in lineage.decisions
                ],
            }
        return Response(
            ReceiptSerializer(
                {
                    "receipt_code": domain.format_receipt_code(suggestion.receipt_code),
                    "title": suggestion.title,
                    "township": suggestion.township.name,
                    "village": suggestion.village.name if suggestion.village_id else None,
                    "status": suggestion.status,
                    "status_display": suggestion.get_status_display(),
                    "rejection_reason": suggestion.rejection_reason,
                    "reply": suggestion.reply,
                    "received_at": suggestion.created_at,
                    "project": project,
                }
            ).data
        )


# ---------------------------------------------------------------------------------------------
# Scoped endpoints


class SuggestionViewSet(viewsets.ReadOnlyModelViewSet):
    """Suggestions of the townships where the caller is staff; merge and reject them."""

    filterset_class = filters.SuggestionFilter
    serializer_class = SuggestionSerializer
    action_permissions = {
        "merge": lambda user, s: user_can_triage_suggestions(user, s.township),
        "reject": lambda user, s: user_can_triage_suggestions(user, s.township),
    }

    def get_queryset(self):
        qs = selectors.suggestions_for_staff(self.request.user)
        return qs.order_by("-created_at", "-id")

    @extend_schema(request=MergeSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        suggestion = self.get_object()
        data = MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = None
        if data.validated_data.get("project"):
            project = Project.objects.filter(
                pk=data.validated_data["project"], township_id=suggestion.township_id
            ).first()
            if project is None:
                raise ValidationError({"project": ["Unknown project."]})
        project = services.suggestions_merge(
            actor=request.user,
            township=suggestion.township,
            suggestion_ids=[suggestion.pk, *data.validated_data.get("also", [])],
            project=project,
            reply=data.validated_data.get("reply", ""),
        )
        return Response(ProjectSerializer(project).data)

    @extend_schema(request=RejectSerializer, responses=SuggestionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        suggestion = self.get_object()
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.suggestions_reject(
            actor=request.user,
            township=suggestion.township,
            suggestion_ids=[suggestion.pk],
            reason=data.validated_data.get("reason", ""),
            reply=data.validated_data.get("reply", ""),
        )
        suggestion.refresh_from_db()
        return Response(SuggestionSerializer(suggestion).data)


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Reserve projects of the townships in the caller's scope (no proposer data)."""

    filterset_class = filters.ProjectFilter
    serializer_class = ProjectSerializer

    def get_queryset(self):
        qs = selectors.projects_visible_to(self.request.user).prefetch_related("villages")
        return qs.order_by("-created_at", "-id")


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Annual plans with their rounds and funnel (suggestions → … → elected)."""

    serializer_class = PlanSerializer

    def get_queryset(self):
        return (
            selectors.plans_visible_to(self.request.user)
            .prefetch_related("rounds")
            .order_by("-year", "township_id")
        )


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    """Shortlisting rounds with their decisions; staff record a decision with ``decide``."""

    filterset_class = filters.RoundFilter
    serializer_class = RoundSerializer
    action_permissions = {"decide": lambda user, rnd: user_can_manage_plan(user, rnd.plan)}

    def get_queryset(self):
        qs = ShortlistRound.objects.filter(
            plan__in=selectors.plans_visible_to(self.request.user)
        ).prefetch_related("decisions")
        return qs.select_related("plan__township").order_by("plan_id", "position")

    @extend_schema(request=DecideSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        rnd = self.get_object()
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = Project.objects.filter(
            pk=data.validated_data["project"], township_id=rnd.plan.township_id
        ).first()
        if project is None:
            raise ValidationError({"project": ["Unknown project."]})
        row = services.round_record_decision(
            actor=request.user,
            round=rnd,
            project=project,
            decision=data.validated_data["decision"],
            reason=data.validated_data["reason"],
        )
        return Response(DecisionSerializer(row).data)


class CandidateListViewSet(viewsets.ReadOnlyModelViewSet):
    """Candidate lists with each candidate's ballot details; staff lock one with ``lock``."""

    serializer_class = CandidateListSerializer
    action_permissions = {"lock": lambda user, cl: user_can_manage_plan(user, cl.plan)}

    def get_queryset(self):
        return (
            CandidateList.objects.filter(plan__in=selectors.plans_visible_to(self.request.user))
            .select_related("plan", "plan__township")
            .prefetch_related("candidates__project")
            .order_by("-plan__year", "pk")
        )

    @extend_schema(request=None, responses=CandidateListSerializer)
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        candidate_list = self.get_object()
        candidate_list = services.candidate_list_lock(
            actor=request.user, candidate_list=candidate_list
        )
        return Response(CandidateListSerializer(self.get_queryset().get(pk=candidate_list.pk)).data)
