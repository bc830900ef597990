"""/api/v1/ for voting: votes (scoped, read-only), casting by code (no login), results."""

from django.db.models import Count
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from . import domain, selectors, services, throttle
from .messages import REFUSALS, THROTTLED
from .models import Vote, VoteCandidate, VoteStatus
from .permissions import user_can_view_results


class VoteCandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = VoteCandidate
        fields = ["position", "title", "content", "location", "investment", "deadline"]


class VoteSerializer(serializers.ModelSerializer):
    candidates = VoteCandidateSerializer(many=True, read_only=True)
    township = serializers.IntegerField(source="session.term.township_id", read_only=True)
    ballots_received = serializers.IntegerField(
        read_only=True, help_text="How many ballots are in the box — never what they say."
    )

    class Meta:
        model = Vote
        fields = [
            "id",
            "title",
            "session",
            "township",
            "status",
            "mode",
            "slots",
            "pass_base",
            "trackers_enabled",
            "paper_mode",
            "codes_generated",
            "slips_issued",
            "paper_issued",
            "opened_at",
            "closed_at",
            "certified_at",
            "published_at",
            "box_digest",
            "candidates",
            "ballots_received",
        ]


class VoteViewSet(viewsets.ReadOnlyModelViewSet):
    """Votes of the townships in the caller's scope."""

    serializer_class = VoteSerializer

    def get_queryset(self):
        return (
            selectors.votes_visible_to(self.request.user)
            .annotate(ballots_received=Count("ballots"))
            .prefetch_related("candidates")
            .order_by("-created_at", "-id")
        )


class CastSerializer(serializers.Serializer):
    vote = serializers.IntegerField(min_value=1)
    code = serializers.CharField(max_length=40)
    choices = serializers.RegexField(
        r"^[YNASBU-]{1,200}$",
        help_text="One character per candidate in ballot order: Y for, N against, A abstain, "
        "- no mark; for an evaluation S satisfied, B basically satisfied, U unsatisfied (per "
        "project, then per project and sub-item).",
    )


class CastReceiptSerializer(serializers.Serializer):
    tracker = serializers.CharField(allow_blank=True)


class RefusalSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=["typo", "unknown", "not_open", "already_cast", "malformed", "too_many"]
    )
    detail = serializers.CharField()


class CastViewSet(viewsets.GenericViewSet):
    """Cast a ballot with a ballot code. No login: the code is the credential. Exactly once:
    a second submission with the same code answers 409 "already_cast"."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = CastSerializer

    @extend_schema(
        request=CastSerializer,
        responses={
            201: CastReceiptSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Not cast: a malformed request, or a refusal "
                "{reason: typo|unknown|malformed|too_many, detail}.",
            ),
            409: RefusalSerializer,
            429: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Too many codes that belong to no vote from this client; "
                "Retry-After says when to try again.",
            ),
        },
    )
    def create(self, request):
        if throttle.blocked(request):
            raise Throttled(wait=throttle.WINDOW, detail=str(THROTTLED))
        data = CastSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        choices = data.validated_data["choices"]
        try:
            receipt = services.ballot_cast(
                vote_id=data.validated_data["vote"],
                typed_code=data.validated_data["code"],
                choices=choices,
            )
        except services.BallotRefused as exc:
            throttle.note_refusal(request, exc.reason)
            code = (
                status.HTTP_409_CONFLICT
                if exc.reason in ("already_cast", "not_open")
                else status.HTTP_400_BAD_REQUEST
            )
            return Response(
                {"reason": exc.reason, "detail": str(REFUSALS[exc.reason])}, status=code
            )
        return Response({"tracker": receipt.tracker}, status=status.HTTP_201_CREATED)


class CandidateResultSerializer(serializers.Serializer):
    position = serializers.IntegerField(source="candidate.position")
    title = serializers.CharField(source="candidate.title")
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    abstain = serializers.IntegerField()
    share = serializers.SerializerMethodField()
    rank = serializers.IntegerField(allow_null=True)
    passed = serializers.BooleanField()
    elected = serializers.BooleanField()
    tied = serializers.BooleanField()

    def get_share(self, obj) -> str:
        return domain.yes_share(obj.yes, pass_base=self.context["pass_base"])


class ResultSerializer(serializers.Serializer):
    vote = serializers.IntegerField(source="vote_id")
    due = serializers.IntegerField()
    present = serializers.IntegerField()
    on_leave = serializers.IntegerField()
    issued = serializers.IntegerField()
    returned = serializers.IntegerField()
    valid = serializers.IntegerField()
    invalid = serializers.IntegerField()
    is_valid = serializers.BooleanField()
    void_reason = serializers.CharField()
    box_digest = serializers.CharField(source="vote.box_digest")
    candidates = serializers.SerializerMethodField()

    @extend_schema(exclude=True)
    def get_candidates(self, obj) -> list[dict]:
        rows = obj.candidates.select_related("candidate").order_by("candidate__position")
        context = {"pass_base": obj.pass_base_count}
        return CandidateResultSerializer(rows, many=True, context=context).data


class ResultViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A vote's counted result: public once published; before that, for staff, officers and
    reviewers in scope once counted."""

    permission_classes = [AllowAny]
    serializer_class = ResultSerializer
    lookup_field = "vote_id"
    lookup_value_regex = r"\d+"

    @extend_schema(
        parameters=[OpenApiParameter("vote_id", int, OpenApiParameter.PATH)],
        responses={200: ResultSerializer, 404: OpenApiResponse(description="Not yet")},
    )
    def retrieve(self, request, vote_id=None):
        vote = selectors.vote_with_details(int(vote_id)) if str(vote_id).isdigit() else None
        counted = (VoteStatus.COUNTED, VoteStatus.CERTIFIED, VoteStatus.PUBLISHED, VoteStatus.VOID)
        if (
            vote is None
            or vote.status not in counted
            or not hasattr(vote, "result")
            or not user_can_view_results(request.user, vote)
            or (
                vote.status != VoteStatus.PUBLISHED
                and not selectors.votes_visible_to(request.user).filter(pk=vote.pk).exists()
            )
        ):
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        return Response(ResultSerializer(vote.result).data)
