"""/api/v1/ for voting: votes (scoped), the whole life cycle of a vote or an evaluation as
actions on it, casting by code (no login), results.

The life cycle mirrors the console, the paper entry and check pages, the count page (开箱计票)
and certification: the same services, the same permission predicates (``action_permissions``:
404 outside the caller's scope, then 403 without the role, before the body is read) and the
same refusals (a service's ``ValidationError``, a wrong state included, is a 400 with its
message). Code slips and key share slips exist only in the PDF the action answers with, as on
the console: the API never returns a code or a share in JSON.
"""

from urllib.parse import quote

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Case, Count, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import (
    NotFound,
    ParseError,
    PermissionDenied,
    Throttled,
    ValidationError,
)
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from congress.models import Role
from congress.permissions import get_scope
from congress.selectors import sessions_visible_to
from projects.models import AnnualPlan, CandidateList

from . import domain, selectors, services, throttle
from .forms import OfficerForm
from .messages import REFUSALS, THROTTLED
from .models import (
    Ballot,
    OfficerRole,
    PaperDecision,
    PaperEntry,
    SealedBallot,
    Vote,
    VoteCandidate,
    VoteOfficer,
    VoteStatus,
)
from .permissions import (
    user_can_certify,
    user_can_enter_paper,
    user_can_manage_vote,
    user_can_scrutinize,
    user_can_view_results,
)

# Ids in requests: past any table we hold, and within PostgreSQL's integer.
MAX_ID = 2**31 - 1


def _pdf(data: bytes, filename: str) -> HttpResponse:
    """A download the caller keeps (the slips), never cached on the way."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


class VoteCandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = VoteCandidate
        fields = [
            "position",
            "title",
            "content",
            "location",
            "investment",
            "deadline",
            "evidence",
        ]


class VoteSerializer(serializers.ModelSerializer):
    candidates = VoteCandidateSerializer(many=True, read_only=True)
    township = serializers.IntegerField(source="session.term.township_id", read_only=True)
    ballots_received = serializers.IntegerField(
        read_only=True, help_text="How many ballots are in the box — never what they say."
    )
    is_sealed = serializers.BooleanField(
        read_only=True, help_text="The key ceremony took place: ballots are sealed to its key."
    )

    class Meta:
        model = Vote
        fields = [
            "id",
            "kind",
            "title",
            "session",
            "township",
            "candidate_list",
            "plan",
            "parent",
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
            "void_reason",
            "paper_counted",
            "codes_printings",
            "is_sealed",
            "key_threshold",
            "key_holders",
            "key_printings",
            "sealed_digest",
            "box_opened_at",
            "evaluation_rules",
            "candidates",
            "ballots_received",
        ]


# ---------------------------------------------------------------------------------------------
# The life cycle: inputs and answers


class VoteOfficerSerializer(serializers.ModelSerializer):
    class Meta:
        model = VoteOfficer
        fields = ["id", "role", "name", "user"]


class VoteCreateInput(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    candidate_list = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="A locked candidate list of the township."
    )
    title = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default="", help_text="Empty: default."
    )


class EvaluationCreateInput(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    plan = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text="The township's plan whose published vote elected the projects to evaluate; "
        "the township's evaluation rules are copied onto the evaluation.",
    )
    title = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default="", help_text="Empty: default."
    )


class OfficerInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=OfficerRole.choices)
    name = serializers.CharField(max_length=32)
    user = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="The officer's account (a teller, scrutineer or staff of the township, or one "
        "of its deputies): tellers and scrutineers need one to enter and check paper ballots.",
    )


class CodesInput(serializers.Serializer):
    spares = serializers.IntegerField(min_value=0, max_value=200)
    printings = serializers.IntegerField(
        min_value=0,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="The vote's codes_printings as the caller last read it: when slips were printed "
        "since, nothing is replaced (400) and the printed slips stay valid.",
    )


class KeySlipsInput(serializers.Serializer):
    printings = serializers.IntegerField(
        min_value=0,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="The vote's key_printings as the caller last read it (as for code slips).",
    )


class IssuedInput(serializers.Serializer):
    slips_issued = serializers.IntegerField(min_value=0, max_value=MAX_ID)
    paper_issued = serializers.IntegerField(min_value=0, max_value=MAX_ID)


class OpenBoxInput(serializers.Serializer):
    shares = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=True),
        max_length=255,
        help_text="The key holders' share slips in their typed form (empty entries are skipped); "
        "k of them open the sealed box.",
    )


class OpenBoxAnswer(serializers.Serializer):
    opened = serializers.IntegerField(help_text="Sealed ballots opened.")
    failed = serializers.ListField(
        child=serializers.CharField(), help_text="Trackers of sealed ballots that did not open."
    )
    counted = serializers.BooleanField()
    detail = serializers.CharField(help_text="Why the count did not follow, if it did not.")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class TieInput(serializers.Serializer):
    elected = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=1000),
        max_length=1000,
        help_text="Ballot positions of the tied candidates the presidium elects.",
    )
    reason = serializers.CharField(max_length=200)


class PaperSlotQuery(serializers.Serializer):
    slot = serializers.ChoiceField(choices=["A", "B"])


class PaperEntryInput(serializers.Serializer):
    slot = serializers.ChoiceField(
        choices=["A", "B"], help_text="The first or the second teller's sequence."
    )
    sequence = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text="The next number, or an earlier one to correct.",
    )
    keys = serializers.CharField(
        max_length=60,
        help_text="The teller's keys as on the page: one digit per candidate (1 for, 2 against, "
        "3 abstain, 0 no mark, 9 unreadable; an evaluation: 1 satisfied, 2 basically satisfied, "
        "3 unsatisfied, 4 abstain), or X (invalid ballot) or B (blank); a trailing ? marks the "
        "ballot doubtful.",
    )


class PaperEntrySerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="valid, invalid or blank")

    class Meta:
        model = PaperEntry
        fields = ["slot", "sequence", "choices", "status", "doubtful"]


class PaperDecisionInput(serializers.Serializer):
    sequence = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    keys = serializers.CharField(max_length=60, help_text="The marks as decided, in paper keys.")
    reason = serializers.CharField(max_length=200)


class PaperDecisionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="valid, invalid or blank")

    class Meta:
        model = PaperDecision
        fields = ["sequence", "choices", "status", "reason"]


class PaperMarksSerializer(serializers.Serializer):
    choices = serializers.CharField()
    status = serializers.CharField()


class PaperRowSerializer(serializers.Serializer):
    sequence = serializers.IntegerField()
    a = PaperMarksSerializer(allow_null=True)
    b = PaperMarksSerializer(allow_null=True)
    differs = serializers.BooleanField()
    doubtful = serializers.BooleanField()
    decision = PaperDecisionSerializer(allow_null=True)


class PaperCheckSerializer(serializers.Serializer):
    rows = PaperRowSerializer(many=True)
    open = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ballots the scrutineers must still decide."
    )
    ready = serializers.BooleanField(help_text="Every mismatch and doubtful ballot is decided.")
    counted = serializers.BooleanField(help_text="The agreed paper ballots are in the box.")


class PaperFinalizeAnswer(serializers.Serializer):
    added = serializers.IntegerField(help_text="Paper ballots added to the box.")


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


def _answers(ok: dict, *, who: str, state: bool = True, refused: str = "") -> dict:
    """The documented answers of a life-cycle action: its success, and its refusals. A step
    the vote's present state does not allow is a 400 with the machine's message (as every
    rule's refusal: voting/machine.py), like the message the console shows."""
    out = dict(ok)
    reasons = [refused.rstrip(".")] if refused else []
    if state:
        reasons.append("not allowed in the vote's present state (the message names it)")
    reasons.append("or field errors")
    out[400] = OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Refused, with the message in detail: " + "; ".join(reasons) + ".",
    )
    out[403] = OpenApiResponse(DetailSerializer, description=f"In scope, but not {who}.")
    out[404] = OpenApiResponse(DetailSerializer, description="No such vote in the caller's scope.")
    return out


PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}
STAFF = "presidium staff of the township"


def _count_of(model):
    rows = model.objects.filter(vote=OuterRef("pk")).order_by().values("vote")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), 0)


# In the box: the ballots written (paper, or the opened box) and, until the sealed box is
# opened, its sealed ballots — how many, never what.
_BALLOTS_RECEIVED = _count_of(Ballot) + Case(
    When(box_opened_at__isnull=True, then=_count_of(SealedBallot)), default=Value(0)
)


def _can_open_box(user, vote) -> bool:
    return user_can_manage_vote(user, vote) or user_can_scrutinize(user, vote)


def _refuse_unless_set_up_allowed(request) -> None:
    """Permission before the body: presidium staff (of a township or a county congress) set
    up votes; anyone else is refused whatever they send — 404 for a session they cannot see
    (as the set-up pages answer), 403 otherwise."""
    user = request.user
    scope = get_scope(user)
    if scope.is_superuser or scope.staff_townships or scope.counties_with(Role.STAFF):
        return
    try:
        session_id = int(request.data.get("session"))
    except (ParseError, AttributeError, TypeError, ValueError):
        raise PermissionDenied from None
    if not sessions_visible_to(user).filter(pk=session_id).exists():
        raise NotFound
    raise PermissionDenied


def _body_filter(term, prefix: str = "") -> dict:
    """The lookups that keep a plan to the session's own body (a township, or a county's own
    congress — whose term also names the county, so the township must be empty)."""
    if term.township_id:
        return {f"{prefix}township": term.township}
    return {f"{prefix}county": term.county, f"{prefix}township__isnull": True}


def _session_for_setup(user, session_id: int):
    """The session in the caller's scope (404), where the caller may set up votes (403), as
    the set-up pages do: a township's session or a county congress's plenary."""
    session = sessions_visible_to(user).filter(pk=session_id).first()
    if session is None:
        raise NotFound
    if not user_can_manage_vote(user, Vote(session=session)):
        raise PermissionDenied
    return session


def _input(serializer_class, data) -> dict:
    data = serializer_class(data=data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _marks(entry):
    return None if entry is None else {"choices": entry[0], "status": entry[1]}


class VoteViewSet(viewsets.ReadOnlyModelViewSet):
    """Votes of the townships in the caller's scope, and every step of their life cycle:
    set-up, officers, key share slips, code slips, issued counts, open, close, switch to paper,
    paper double entry and check, opening the sealed box with k shares, count, certify,
    publish, the presidium's tie decision, run-offs and the paper re-vote."""

    serializer_class = VoteSerializer
    lookup_value_regex = r"\d+"
    # Checked when the vote is fetched, before the body is read (livelihood/api_access.py):
    # the predicates the pages use (voting/views/*).
    action_permissions = {
        "officers": user_can_manage_vote,
        "officer_remove": user_can_manage_vote,
        "key_slips": user_can_manage_vote,
        "codes": user_can_manage_vote,
        "issued": user_can_manage_vote,
        "open": user_can_manage_vote,
        "close": user_can_manage_vote,
        "switch_to_paper": user_can_manage_vote,
        "count": user_can_manage_vote,
        "publish": user_can_manage_vote,
        "runoff": user_can_manage_vote,
        "resolve_tie": user_can_manage_vote,
        "paper_revote": user_can_manage_vote,
        "open_box": _can_open_box,
        "paper_entries": user_can_enter_paper,
        "paper_check": user_can_scrutinize,
        "paper_decisions": user_can_scrutinize,
        "paper_finalize": user_can_scrutinize,
        "certify": user_can_certify,
    }

    def get_queryset(self):
        return (
            selectors.votes_visible_to(self.request.user)
            .annotate(ballots_received=_BALLOTS_RECEIVED)
            .prefetch_related("candidates")
            .order_by("-created_at", "-id")
        )

    def _vote(self, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
        return Response(VoteSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    # Set-up --------------------------------------------------------------------------------

    @extend_schema(
        request=VoteCreateInput,
        responses=_answers(
            {201: VoteSerializer},
            who=STAFF,
            state=False,
            refused="An unknown or unlocked candidate list, or rules the list cannot meet.",
        ),
    )
    def create(self, request):
        """Set up a project vote at a session from a locked candidate list of its township."""
        _refuse_unless_set_up_allowed(request)
        data = _input(VoteCreateInput, request.data)
        session = _session_for_setup(request.user, data["session"])
        candidate_list = CandidateList.objects.filter(
            pk=data["candidate_list"], **_body_filter(session.term, "plan__")
        ).first()
        if candidate_list is None:
            raise ValidationError({"candidate_list": [_("Unknown candidate list.")]})
        vote = services.vote_create(
            actor=request.user,
            session=session,
            candidate_list=candidate_list,
            title=data["title"],
        )
        return self._vote(vote.pk, code=status.HTTP_201_CREATED)

    @extend_schema(
        request=EvaluationCreateInput,
        responses=_answers(
            {201: VoteSerializer},
            who=STAFF,
            state=False,
            refused="An unknown plan, or a plan with no elected projects to evaluate.",
        ),
    )
    @action(detail=False, methods=["post"])
    def evaluations(self, request):
        """Set up the satisfaction evaluation of a past plan's elected projects at a session,
        with the township's evaluation rules copied on (``evaluation_rules``)."""
        _refuse_unless_set_up_allowed(request)
        data = _input(EvaluationCreateInput, request.data)
        session = _session_for_setup(request.user, data["session"])
        plan = AnnualPlan.objects.filter(pk=data["plan"], **_body_filter(session.term)).first()
        if plan is None:
            raise ValidationError({"plan": [_("Unknown plan.")]})
        vote = services.evaluation_create(
            actor=request.user, session=session, plan=plan, title=data["title"]
        )
        return self._vote(vote.pk, code=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=_answers({200: VoteOfficerSerializer(many=True)}, who=STAFF, state=False),
    )
    @extend_schema(
        methods=["POST"],
        request=OfficerInput,
        responses=_answers({201: VoteOfficerSerializer}, who=STAFF),
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def officers(self, request, pk=None):
        """The officers named for the vote (总监票人, 监票人, 计票人); POST names one."""
        vote = self.get_object()
        if request.method == "GET":
            rows = vote.officers.order_by("role", "pk")
            return Response(VoteOfficerSerializer(rows, many=True).data)
        data = _input(OfficerInput, request.data)
        form = OfficerForm(
            {"role": data["role"], "name": data["name"], "user": data.get("user") or ""},
            township=vote.session.term.township,
        )
        if not form.is_valid():
            raise ValidationError(
                {k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()}
            )
        officer = services.vote_officer_add(actor=request.user, vote=vote, **form.cleaned_data)
        return Response(VoteOfficerSerializer(officer).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("officer_pk", int, OpenApiParameter.PATH)],
        responses=_answers({204: None}, who=STAFF),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"officers/(?P<officer_pk>\d+)/remove",
        url_name="officer-remove",
    )
    def officer_remove(self, request, pk=None, officer_pk=None):
        vote = self.get_object()
        officer = VoteOfficer.objects.filter(vote=vote, pk=officer_pk).first()
        if officer is None:
            raise NotFound
        services.vote_officer_remove(actor=request.user, officer=officer)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=KeySlipsInput,
        responses=_answers(
            PDF,
            who=STAFF,
            refused="No chief scrutineer or scrutineer named, rules that cannot be met, or "
            "slips printed since the caller's count.",
        ),
    )
    @action(detail=True, methods=["post"], url_path="key-slips")
    def key_slips(self, request, pk=None):
        """密钥分发 (draft only): make the vote's key and answer with the key share slips PDF,
        exactly as the console prints it — the shares exist only in this response. Printing
        again makes a new key and voids the earlier slips."""
        vote = self.get_object()
        data = _input(KeySlipsInput, request.data)
        ceremony = services.vote_key_ceremony(
            actor=request.user, vote=vote, seen_printings=data.get("printings")
        )
        from .pdf import render_share_slips

        document = render_share_slips(vote=vote, ceremony=ceremony)
        del ceremony
        return _pdf(document, f"{vote.title}-密钥分片.pdf")

    @extend_schema(
        request=CodesInput,
        responses=_answers(
            PDF,
            who=STAFF,
            refused="No roll yet, or slips printed since the caller's count.",
        ),
    )
    @action(detail=True, methods=["post"])
    def codes(self, request, pk=None):
        """Generate the ballot codes (one per deputy on the roll, plus spares) and answer with
        the code slips PDF, exactly as the console prints it — the plain codes exist only in
        this response. Printing again makes new codes and voids the earlier slips; the vote's
        ``codes_generated`` says how many there are."""
        vote = self.get_object()
        data = _input(CodesInput, request.data)
        codes = services.vote_generate_codes(
            actor=request.user,
            vote=vote,
            spares=data["spares"],
            seen_printings=data.get("printings"),
        )
        from .pdf import render_code_slips

        document = render_code_slips(
            vote=vote,
            codes=codes,
            ballot_url=request.build_absolute_uri(reverse("voting:ballot_shell")),
        )
        del codes
        return _pdf(document, f"{vote.title}-投票码.pdf")

    @extend_schema(request=IssuedInput, responses=_answers({200: VoteSerializer}, who=STAFF))
    @action(detail=True, methods=["post"])
    def issued(self, request, pk=None):
        """How many code slips and paper ballots were handed out (发出) — never to whom."""
        vote = self.get_object()
        data = _input(IssuedInput, request.data)
        services.vote_record_issued(actor=request.user, vote=vote, **data)
        return self._vote(vote.pk)

    # The console's actions ----------------------------------------------------------------

    def _console(self, service) -> Response:
        vote = self.get_object()
        service(actor=self.request.user, vote=vote)
        return self._vote(vote.pk)

    @extend_schema(
        request=None,
        responses=_answers(
            {200: VoteSerializer},
            who=STAFF,
            refused="No quorum, no code slips, or no key ceremony when one is required.",
        ),
    )
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        """Open the ballot box (draft only; S1 quorum)."""
        return self._console(services.vote_open)

    @extend_schema(request=None, responses=_answers({200: VoteSerializer}, who=STAFF))
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the box: the codes are burnt."""
        return self._console(services.vote_close)

    @extend_schema(request=None, responses=_answers({200: VoteSerializer}, who=STAFF))
    @action(detail=True, methods=["post"], url_path="switch-to-paper")
    def switch_to_paper(self, request, pk=None):
        """S4: continue on paper ballots; codes stop at once, ballots already cast are kept."""
        return self._console(services.vote_switch_to_paper)

    @extend_schema(
        request=None,
        responses=_answers(
            {200: VoteSerializer},
            who=STAFF,
            refused="Paper ballots not yet added, or a sealed box not yet opened (open-box).",
        ),
    )
    @action(detail=True, methods=["post"])
    def count(self, request, pk=None):
        """Count the box (a sealed box is opened and counted with ``open-box``)."""
        return self._console(services.vote_count)

    @extend_schema(request=None, responses=_answers({200: VoteSerializer}, who=STAFF))
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a certified result (P6; an evaluation's consequences, E4)."""
        return self._console(services.vote_publish)

    @extend_schema(
        request=None,
        responses=_answers(
            {201: VoteSerializer}, who=STAFF, refused="No tie or shortfall calls for one."
        ),
    )
    @action(detail=True, methods=["post"])
    def runoff(self, request, pk=None):
        """Set up the run-off among the tied (P3) or the further vote for empty slots (P4)."""
        vote = self.get_object()
        child = services.vote_create_runoff(actor=request.user, vote=vote)
        return self._vote(child.pk, code=status.HTTP_201_CREATED)

    @extend_schema(
        request=TieInput,
        responses=_answers(
            {200: VoteSerializer},
            who=STAFF,
            refused="No tie for the presidium, no reason, or not exactly the remaining slots.",
        ),
    )
    @action(detail=True, methods=["post"], url_path="resolve-tie")
    def resolve_tie(self, request, pk=None):
        """The presidium decides a tie (rule "presidium decides"), with a recorded reason."""
        vote = self.get_object()
        data = _input(TieInput, request.data)
        services.vote_resolve_tie(
            actor=request.user,
            vote=vote,
            elected_positions=data["elected"],
            reason=data["reason"],
        )
        return self._vote(vote.pk)

    # The sealed box ------------------------------------------------------------------------

    @extend_schema(
        request=OpenBoxInput,
        responses=_answers(
            {200: OpenBoxAnswer},
            who="staff or a scrutineer of the vote",
            refused="Fewer than k slips (naming how many more), a slip with a typo, of another "
            "vote or of an earlier printing; or the box is not sealed or already open.",
        ),
    )
    @action(detail=True, methods=["post"], url_path="open-box")
    def open_box(self, request, pk=None):
        """开箱计票: k key holders' share slips, typed; the box is opened, then counted, as on
        the count page. When the count cannot follow, ``counted`` is false and ``detail`` says
        why (the box stays open)."""
        vote = self.get_object()
        data = _input(OpenBoxInput, request.data)
        opened = services.vote_open_box(actor=request.user, vote=vote, typed_shares=data["shares"])
        del data
        answer = {"opened": opened.opened, "failed": opened.failed, "counted": True, "detail": ""}
        try:
            services.vote_count(actor=request.user, vote=vote)
        except DjangoValidationError as exc:
            answer.update(counted=False, detail=" ".join(exc.messages))
        return Response(OpenBoxAnswer(answer).data)

    @extend_schema(
        request=ReasonInput,
        responses=_answers(
            {201: VoteSerializer},
            who=STAFF,
            refused="The box is not sealed, already open, or no reason is recorded.",
        ),
    )
    @action(detail=True, methods=["post"], url_path="paper-revote")
    def paper_revote(self, request, pk=None):
        """The slips are lost: the presidium orders a paper re-vote. This vote becomes void;
        the answer is the new vote, on paper ballots."""
        vote = self.get_object()
        data = _input(ReasonInput, request.data)
        new = services.vote_paper_revote(actor=request.user, vote=vote, reason=data["reason"])
        return self._vote(new.pk, code=status.HTTP_201_CREATED)

    # Paper ballots -------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        request=None,
        parameters=[PaperSlotQuery],
        responses=_answers(
            {200: PaperEntrySerializer(many=True)}, who="a teller of the vote", state=False
        ),
    )
    @extend_schema(
        methods=["POST"],
        request=PaperEntryInput,
        responses=_answers(
            {201: PaperEntrySerializer},
            who="a teller of the vote (or the teller who made the entry, to correct it)",
            refused="Keys that do not fit the ballot, a number out of order, or the same teller "
            "entering both sequences.",
        ),
    )
    @action(detail=True, methods=["get", "post"], url_path="paper-entries", pagination_class=None)
    def paper_entries(self, request, pk=None):
        """Paper double entry: two tellers each enter every paper ballot in their own sequence
        (A, B), one ballot per POST; GET ?slot= lists a sequence."""
        vote = self.get_object()
        if request.method == "GET":
            slot = _input(PaperSlotQuery, request.query_params)["slot"]
            rows = PaperEntry.objects.filter(vote=vote, slot=slot).order_by("sequence")
            return Response(PaperEntrySerializer(rows, many=True).data)
        data = _input(PaperEntryInput, request.data)
        entry = services.paper_entry_save(actor=request.user, vote=vote, **data)
        return Response(PaperEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses=_answers({200: PaperCheckSerializer}, who="a scrutineer", state=False),
    )
    @action(detail=True, methods=["get"], url_path="paper-check")
    def paper_check(self, request, pk=None):
        """The two sequences side by side, what differs or is doubtful, and the decisions."""
        vote = self.get_object()
        state = selectors.paper_state(vote)
        rows = []
        for i in range(max(len(state["a"]), len(state["b"]))):
            a = state["a"][i] if i < len(state["a"]) else None
            b = state["b"][i] if i < len(state["b"]) else None
            rows.append(
                {
                    "sequence": i + 1,
                    "a": _marks(a),
                    "b": _marks(b),
                    "differs": a != b,
                    "doubtful": i + 1 in state["doubtful"],
                    "decision": state["decisions"].get(i + 1),
                }
            )
        answer = {
            "rows": rows,
            "open": state["open"],
            "ready": state["ready"],
            "counted": vote.paper_counted,
        }
        return Response(PaperCheckSerializer(answer).data)

    @extend_schema(
        request=PaperDecisionInput,
        responses=_answers(
            {201: PaperDecisionSerializer},
            who="a scrutineer",
            refused="No such paper ballot, keys that do not fit, or no reason.",
        ),
    )
    @action(detail=True, methods=["post"], url_path="paper-decisions")
    def paper_decisions(self, request, pk=None):
        """The scrutineers decide a ballot the tellers entered differently, or a doubtful one."""
        vote = self.get_object()
        data = _input(PaperDecisionInput, request.data)
        decision = services.paper_decide(actor=request.user, vote=vote, **data)
        return Response(PaperDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses=_answers(
            {200: PaperFinalizeAnswer},
            who="a scrutineer",
            refused="Ballots still to decide (named), or already added.",
        ),
    )
    @action(detail=True, methods=["post"], url_path="paper-finalize")
    def paper_finalize(self, request, pk=None):
        """Put the agreed paper ballots into the box."""
        vote = self.get_object()
        added = services.paper_finalize(actor=request.user, vote=vote)
        return Response(PaperFinalizeAnswer({"added": added}).data)

    # Certification -------------------------------------------------------------------------

    @extend_schema(
        request=None,
        responses=_answers(
            {200: VoteSerializer},
            who="the chief scrutineer (or a township scrutineer when the chief has no account)",
        ),
    )
    @action(detail=True, methods=["post"])
    def certify(self, request, pk=None):
        """The chief scrutineer certifies the count; the digest of the whole box is fixed."""
        vote = self.get_object()
        services.vote_certify(actor=request.user, vote=vote)
        return self._vote(vote.pk)


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


class EvaluationResultSerializer(serializers.Serializer):
    position = serializers.IntegerField(source="candidate.position")
    title = serializers.CharField(source="candidate.title")
    satisfied = serializers.IntegerField()
    basic = serializers.IntegerField()
    unsatisfied = serializers.IntegerField()
    abstain = serializers.IntegerField()
    grade = serializers.CharField()
    sub_items = serializers.DictField()


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
    evaluations = serializers.SerializerMethodField(
        help_text="A satisfaction evaluation's grades per project (empty for a project vote)."
    )

    @extend_schema(exclude=True)
    def get_candidates(self, obj) -> list[dict]:
        rows = obj.candidates.select_related("candidate").order_by("candidate__position")
        context = {"pass_base": obj.pass_base_count}
        return CandidateResultSerializer(rows, many=True, context=context).data

    @extend_schema(exclude=True)
    def get_evaluations(self, obj) -> list[dict]:
        rows = obj.evaluations.select_related("candidate").order_by("candidate__position")
        return EvaluationResultSerializer(rows, many=True).data


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
