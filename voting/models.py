"""Every secret ballot the congress casts: the project vote (and, later, the evaluation).

Secrecy is a property of these tables (voting/README.md): a Ballot row holds a random id, its
vote, its marks, its validity, its channel and an optional tracker — no deputy, user, session
key, address, code or time. Ballot codes are stored only as salted hashes, are never linked to
a deputy or to a ballot, and are deleted when the vote closes.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress.models import (
    BallotType,
    BlankBallotPolicy,
    PassBase,
    Session,
    ShortfallRule,
    TieRule,
    VoteMode,
)
from livelihood.text import CleanTextMixin


class VoteStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open for voting")
    CLOSED = "closed", _("Closed, counting")
    COUNTED = "counted", _("Counted")
    CERTIFIED = "certified", _("Certified by the scrutineers")
    PUBLISHED = "published", _("Published")
    VOID = "void", _("Void")


class VoteKind(models.TextChoices):
    PROJECTS = "projects", _("Project vote (票决)")
    EVALUATION = "evaluation", _("Satisfaction evaluation (满意度测评)")


class Vote(CleanTextMixin, models.Model):
    """A secret ballot at a session: the project vote, set up from a locked candidate list, or
    the satisfaction evaluation of a past plan's projects. The rules are copied on at setup."""

    line_text_fields = ("title",)

    kind = models.CharField(
        _("kind"), max_length=10, choices=VoteKind.choices, default=VoteKind.PROJECTS
    )
    plan = models.ForeignKey(
        "projects.AnnualPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("evaluated plan"),
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="votes", verbose_name=_("session")
    )
    candidate_list = models.ForeignKey(
        "projects.CandidateList",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes",
        verbose_name=_("candidate list"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runoffs",
        verbose_name=_("run-off of"),
    )
    title = models.CharField(_("title"), max_length=120)
    status = models.CharField(
        _("status"), max_length=10, choices=VoteStatus.choices, default=VoteStatus.DRAFT
    )
    # The rules, copied from the township's rule set when the vote is set up (V1–V3, S1, B2, P1–P4).
    mode = models.CharField(_("vote mode"), max_length=12, choices=VoteMode.choices)
    ballot_type = models.CharField(_("ballot type"), max_length=10, choices=BallotType.choices)
    slots = models.PositiveSmallIntegerField(_("number of slots"))
    pass_base = models.CharField(_("pass base"), max_length=10, choices=PassBase.choices)
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"))
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"))
    tie_rule = models.CharField(_("tie at the cutoff"), max_length=10, choices=TieRule.choices)
    shortfall_rule = models.CharField(
        _("fewer passing than slots"), max_length=12, choices=ShortfallRule.choices
    )
    blank_ballot_policy = models.CharField(
        _("ballot with no mark"), max_length=14, choices=BlankBallotPolicy.choices
    )
    trackers_enabled = models.BooleanField(_("ballot trackers"))
    # The evaluation's rules (E1–E4), copied from the rule set; read and written only as
    # voting.domain.EvaluationRules (typed, defaults in one place) through the vote's kind.
    evaluation_rules = models.JSONField(_("evaluation rules"), default=dict, blank=True)
    # Running the vote
    code_salt = models.CharField(max_length=32, editable=False)
    codes_generated = models.PositiveIntegerField(_("codes generated"), default=0)
    # How many times slips were printed: the console posts the number it showed, so a second
    # window (or a repeated request) cannot silently replace the codes just printed.
    codes_printings = models.PositiveIntegerField(_("code slip printings"), default=0)
    codes_used = models.PositiveIntegerField(_("codes used"), default=0)
    slips_issued = models.PositiveIntegerField(_("code slips issued"), default=0)
    paper_issued = models.PositiveIntegerField(_("paper ballots issued"), default=0)
    paper_mode = models.BooleanField(_("switched to paper ballots"), default=False)
    paper_counted = models.BooleanField(_("paper ballots counted"), default=False)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    box_digest = models.CharField(_("ballot box digest"), max_length=64, blank=True)
    certified_at = models.DateTimeField(_("certified at"), null=True, blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("certified by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    void_reason = models.CharField(_("reason the vote is void"), max_length=200, blank=True)
    # Sealed ballots (voting/sealing.py): the key ceremony keeps only the public key and each
    # share's fingerprint — never the private key nor a share. k and n are copied from the rule
    # set (0 = a majority / every scrutineer named) and fixed at the ceremony.
    key_threshold = models.PositiveSmallIntegerField(_("key shares needed (k)"), default=0)
    key_holders = models.PositiveSmallIntegerField(_("key holders (n)"), default=0)
    public_key = models.CharField(_("public key"), max_length=64, blank=True, editable=False)
    share_fingerprints = models.JSONField(default=list, blank=True, editable=False)
    key_printings = models.PositiveIntegerField(_("share slip printings"), default=0)
    sealed_digest = models.CharField(_("sealed box digest"), max_length=64, blank=True)
    box_opened_at = models.DateTimeField(_("box opened at"), null=True, blank=True)
    storage_rewritten_at = models.DateTimeField(_("storage rewritten at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(slots__gte=1), name="vote_slots_positive"),
            models.CheckConstraint(
                condition=Q(codes_used__lte=models.F("codes_generated")),
                name="vote_codes_used_le_generated",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("voting:console", args=[self.pk])

    @property
    def is_sealed(self) -> bool:
        """The key ceremony took place: electronic ballots are sealed to the public key."""
        return bool(self.public_key)

    @property
    def ballot_kind(self):
        """What differs between a project vote and an evaluation (voting/kinds.py)."""
        from .kinds import kind_of

        return kind_of(self)

    @property
    def sub_items(self) -> list[str]:
        return list(self.ballot_kind.sub_items)

    @property
    def is_county_vote(self) -> bool:
        """A vote of a county congress's plenary (its term belongs to no township)."""
        return self.session.term.township_id is None

    def delegation_reconciliation(self):
        """发出/收回 per delegation and overall (voting.domain.reconcile_delegations), with the
        count's returned, valid and invalid once counted; None when nothing was recorded per
        delegation. The certificate and the console read this one definition."""
        from .domain import DelegationIssue, reconcile_delegations

        # A delegation given nothing and returning nothing (none of its deputies on this
        # congress's roll) has nothing to reconcile.
        rows = [
            row
            for row in self.delegation_counts.select_related("delegation")
            if row.slips_issued or row.paper_issued or row.paper_returned
        ]
        if not rows:
            return None
        result = getattr(self, "result", None) if self.pk else None
        rec = reconcile_delegations(
            [
                DelegationIssue(
                    key=row.delegation.name,
                    slips_issued=row.slips_issued,
                    paper_issued=row.paper_issued,
                    paper_returned=row.paper_returned,
                )
                for row in sorted(rows, key=lambda r: (r.delegation.order, r.delegation_id))
            ],
            returned=result.returned if result else None,
            valid=result.valid if result else None,
            invalid=result.invalid if result else None,
        )
        return rec


class VoteCandidate(CleanTextMixin, models.Model):
    """A candidate as printed on this vote's ballot (V4), copied from the candidate list."""

    line_text_fields = ("title",)
    multiline_text_fields = ("content",)

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("vote")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vote_candidacies",
        verbose_name=_("project"),
    )
    title = models.CharField(_("title"), max_length=100)
    content = models.TextField(_("content"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    investment = models.DecimalField(
        _("investment (10,000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # For an evaluation: what supervision recorded, shown on the ballot (planned vs delivered,
    # budget vs spent, completion, open hand-overs). A snapshot taken at setup.
    evidence = models.JSONField(_("evidence"), null=True, blank=True)

    class Meta:
        verbose_name = _("candidate on the ballot")
        verbose_name_plural = _("candidates on the ballot")
        ordering = ["vote_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "position"], name="votecandidate_position"),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"


class OfficerRole(models.TextChoices):
    CHIEF_SCRUTINEER = "chief", _("Chief scrutineer")
    SCRUTINEER = "scrutineer", _("Scrutineer")
    TELLER = "teller", _("Teller")


class VoteOfficer(CleanTextMixin, models.Model):
    """总监票人, 监票人 and 计票人 named for a vote (S3). Tellers entering paper ballots and
    scrutineers certifying need a user account; the name is what prints on the certificate."""

    line_text_fields = ("name",)

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="officers", verbose_name=_("vote")
    )
    role = models.CharField(_("role"), max_length=10, choices=OfficerRole.choices)
    name = models.CharField(_("name"), max_length=32)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vote_duties",
        verbose_name=_("user account"),
    )

    class Meta:
        verbose_name = _("vote officer")
        verbose_name_plural = _("vote officers")
        ordering = ["vote_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote"], condition=Q(role="chief"), name="one_chief_scrutineer"
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"


class BallotCode(models.Model):
    """One ballot code, stored only as a salted hash. Codes are drawn at random by the deputies
    at check-in, so no row here is linked to a deputy; nor to the ballot it casts. All rows of
    a vote are deleted when the vote closes (the codes are burnt)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("ballot code")
        verbose_name_plural = _("ballot codes")

    def __str__(self):
        return f"code {self.code_hash[:8]}…"


class BallotStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    BLANK = "blank", _("Blank")
    INVALID = "invalid", _("Invalid")


class BallotChannel(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic")
    PAPER = "paper", _("Paper")


class Ballot(models.Model):
    """A cast ballot. ``choices`` holds one character per candidate in ballot order:
    Y 赞成, N 反对, A 弃权. Never ordered by insertion: the primary key is random and the box is
    rewritten in content order when the vote closes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    choices = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=BallotStatus.choices)
    channel = models.CharField(max_length=10, choices=BallotChannel.choices)
    tracker = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["choices", "tracker", "id"]
        indexes = [models.Index(fields=["vote", "status"])]

    def __str__(self):
        return f"{self.vote_id}:{self.choices}"


class SealedBallot(models.Model):
    """An electronic ballot as cast: its marks sealed to the vote's public key (libsodium
    sealed box), and the tracker shown to the deputy (a digest of the blob). No deputy, code,
    time or content. Opened at the count when k scrutineers present their share slips; a blob
    that does not open is counted as an invalid ballot and listed for the scrutineers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="sealed_ballots")
    blob = models.BinaryField()
    tracker = models.CharField(max_length=16)
    failed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("sealed ballot")
        verbose_name_plural = _("sealed ballots")
        ordering = ["tracker", "id"]
        indexes = [models.Index(fields=["vote", "tracker"])]

    def __str__(self):
        return f"{self.vote_id}:{self.tracker}"


class VoteDelegationCount(models.Model):
    """What one delegation (代表团) of a county plenary was handed and gave back: code slips
    and paper ballots issued (发出), paper ballots returned from its box (收回). Never which
    ballot: an electronic ballot is not tied to any delegation."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="delegation_counts", verbose_name=_("vote")
    )
    delegation = models.ForeignKey(
        "congress.Delegation",
        on_delete=models.PROTECT,
        related_name="vote_counts",
        verbose_name=_("delegation"),
    )
    slips_issued = models.PositiveIntegerField(_("code slips issued"), default=0)
    paper_issued = models.PositiveIntegerField(_("paper ballots issued"), default=0)
    paper_returned = models.PositiveIntegerField(_("paper ballots returned"), default=0)

    class Meta:
        verbose_name = _("delegation's ballots")
        verbose_name_plural = _("delegations' ballots")
        ordering = ["vote_id", "delegation__order", "delegation_id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "delegation"], name="votedelegation_unique"),
            models.CheckConstraint(
                condition=Q(paper_returned__lte=models.F("paper_issued")),
                name="votedelegation_returned_le_issued",
            ),
        ]

    def __str__(self):
        return f"{self.vote_id} · {self.delegation_id}"

    @property
    def issued(self) -> int:
        return self.slips_issued + self.paper_issued


class PaperBatch(models.Model):
    """A county plenary's paper ballots split among teller pairs: one batch per pair, a set of
    delegations whose boxes the pair enters (double entry within the pair). The count merges
    every batch once each is finished."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="paper_batches", verbose_name=_("vote")
    )
    number = models.PositiveSmallIntegerField(_("batch"))
    delegations = models.ManyToManyField(
        "congress.Delegation", related_name="+", verbose_name=_("delegations")
    )
    first_teller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("first teller"),
    )
    second_teller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("second teller"),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("paper ballot batch")
        verbose_name_plural = _("paper ballot batches")
        ordering = ["vote_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "number"], name="paperbatch_unique_number"),
            models.CheckConstraint(
                condition=~Q(first_teller=models.F("second_teller")),
                name="paperbatch_two_tellers",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="paperbatch_number_pos"),
        ]

    def __str__(self):
        return f"{self.vote_id} · {self.number}"

    def has_teller(self, user) -> bool:
        return user.is_authenticated and user.pk in (self.first_teller_id, self.second_teller_id)

    def teller_names(self) -> tuple[str, str]:
        """The pair as named among the vote's officers (their names print on the certificate),
        else the accounts' names."""
        named = {
            o.user_id: o.name
            for o in self.vote.officers.all()
            if o.user_id in (self.first_teller_id, self.second_teller_id)
        }
        return tuple(
            named.get(user.pk) or user.get_full_name() or user.get_username()
            for user in (self.first_teller, self.second_teller)
        )


class PaperEntry(models.Model):
    """One paper ballot as keyed in by one of the two tellers, in the order taken from the box.
    The two sequences (slot A and slot B) are compared; scrutineers resolve mismatches."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="paper_entries")
    # A county plenary's batch (its teller pair's delegations); none for a single sequence.
    batch = models.ForeignKey(
        PaperBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="entries"
    )
    slot = models.CharField(max_length=1, choices=[("A", "A"), ("B", "B")])
    sequence = models.PositiveIntegerField()
    choices = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=BallotStatus.choices)
    doubtful = models.BooleanField(default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("paper ballot entry")
        verbose_name_plural = _("paper ballot entries")
        ordering = ["vote_id", "slot", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "slot", "sequence"],
                condition=Q(batch__isnull=True),
                name="paperentry_unique_sequence",
            ),
            models.UniqueConstraint(
                fields=["batch", "slot", "sequence"],
                condition=Q(batch__isnull=False),
                name="paperentry_unique_batch_sequence",
            ),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="paperentry_sequence_pos"),
        ]

    def __str__(self):
        return f"{self.slot}{self.sequence}: {self.choices}"


class PaperDecision(models.Model):
    """The scrutineers' decision on one paper ballot where the tellers' entries differ, or a
    doubtful ballot (B3). Recorded with who decided and why."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="paper_decisions")
    batch = models.ForeignKey(
        PaperBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="decisions"
    )
    sequence = models.PositiveIntegerField()
    choices = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=BallotStatus.choices)
    reason = models.CharField(max_length=200)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scrutineers' decision")
        verbose_name_plural = _("scrutineers' decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "sequence"],
                condition=Q(batch__isnull=True),
                name="paperdecision_unique",
            ),
            models.UniqueConstraint(
                fields=["batch", "sequence"],
                condition=Q(batch__isnull=False),
                name="paperdecision_unique_batch",
            ),
        ]

    def __str__(self):
        return f"#{self.sequence}: {self.choices}"


class VoteResult(models.Model):
    """The count of a vote (S1, S2), written by the tally from stored ballots."""

    vote = models.OneToOneField(Vote, on_delete=models.CASCADE, related_name="result")
    due = models.PositiveIntegerField(_("deputies due"))
    present = models.PositiveIntegerField(_("deputies present"))
    on_leave = models.PositiveIntegerField(_("on leave"))
    in_office = models.PositiveIntegerField(_("deputies in office"))
    issued = models.PositiveIntegerField(_("ballots issued"))
    returned = models.PositiveIntegerField(_("ballots returned"))
    electronic = models.PositiveIntegerField(_("electronic ballots"))
    paper = models.PositiveIntegerField(_("paper ballots"))
    valid = models.PositiveIntegerField(_("valid ballots"))
    invalid = models.PositiveIntegerField(_("invalid ballots"))
    blank = models.PositiveIntegerField(_("blank ballots"))
    pass_base_count = models.PositiveIntegerField(_("pass base"))
    quorum_met = models.BooleanField(_("quorum met"))
    is_valid = models.BooleanField(_("vote valid"))
    void_reason = models.CharField(max_length=200, blank=True)
    needs_runoff = models.BooleanField(default=False)
    shortfall = models.PositiveSmallIntegerField(default=0)
    counted_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.vote}: {self.returned}/{self.issued}"


class CandidateResult(models.Model):
    vote_result = models.ForeignKey(VoteResult, on_delete=models.CASCADE, related_name="candidates")
    candidate = models.OneToOneField(VoteCandidate, on_delete=models.CASCADE, related_name="result")
    yes = models.PositiveIntegerField(_("votes for"))
    no = models.PositiveIntegerField(_("votes against"))
    abstain = models.PositiveIntegerField(_("abstentions"))
    passed = models.BooleanField(_("passed"))
    elected = models.BooleanField(_("elected"))
    tied = models.BooleanField(default=False)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True)

    class Meta:
        ordering = ["candidate__position"]

    def __str__(self):
        return f"{self.candidate}: {self.yes}"


class Grade(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied (满意)")
    BASIC = "basic", _("Basically satisfied (基本满意)")
    UNSATISFIED = "unsatisfied", _("Unsatisfied (不满意)")


class EvaluationResult(models.Model):
    """One project's satisfaction result (E2, E3)."""

    vote_result = models.ForeignKey(
        VoteResult, on_delete=models.CASCADE, related_name="evaluations"
    )
    candidate = models.OneToOneField(
        VoteCandidate, on_delete=models.CASCADE, related_name="evaluation"
    )
    satisfied = models.PositiveIntegerField(_("satisfied"))
    basic = models.PositiveIntegerField(_("basically satisfied"))
    unsatisfied = models.PositiveIntegerField(_("unsatisfied"))
    abstain = models.PositiveIntegerField(_("abstentions"))
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)
    # {sub-item: {"satisfied": n, "basic": n, "unsatisfied": n, "abstain": n}}
    sub_items = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["candidate__position"]

    def __str__(self):
        return f"{self.candidate}: {self.grade}"


# A project elected by a published project vote (not a run-off's losers, not an evaluation):
# the one definition the dashboards, reports and the residents' front door count.
ELECTED_RESULT = Q(
    elected=True,
    vote_result__vote__status=VoteStatus.PUBLISHED,
    vote_result__vote__candidate_list__isnull=False,
)
