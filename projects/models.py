"""Stages 1–2: the project reserve, annual plans and candidate lists.

The candidate list is the contract with ``voting``: a vote is set up from a *locked*
CandidateList and copies each candidate's ballot details (V4) onto itself, so later edits of a
project never change a ballot.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress.models import County, Township, Village
from livelihood.text import CleanTextMixin


class ProjectStatus(models.TextChoices):
    RESERVE = "reserve", _("In the reserve")
    SHORTLISTING = "shortlisting", _("Being shortlisted")
    CANDIDATE = "candidate", _("Candidate")
    ELECTED = "elected", _("Elected")
    IMPLEMENTING = "implementing", _("Being implemented")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class CongressBodyMixin:
    """What a row owned by a congress body (a township's, or a county's own congress) shares:
    exactly one of ``township`` / ``county`` is set (a CheckConstraint backs it), and code
    asks ``.body`` instead of branching on which one."""

    @property
    def body(self):
        """The township or the county whose congress owns the row."""
        return self.township if self.township_id else self.county

    @property
    def is_county_body(self) -> bool:
        return self.county_id is not None

    @property
    def body_name(self) -> str:
        return self.body.name

    @property
    def body_county_id(self) -> int:
        """The county the row falls under (a township's county, or the county itself)."""
        return self.county_id if self.county_id else self.township.county_id


def body_fields(body, prefix: str = "") -> dict:
    """``{"township": body}`` or ``{"county": body}`` (with ``prefix``, e.g. ``"plan__"``):
    the filter or the keyword arguments that put a row under this congress body."""
    key = "county" if isinstance(body, County) else "township"
    return {f"{prefix}{key}": body}


def one_body_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(township__isnull=False, county__isnull=True)
        | Q(township__isnull=True, county__isnull=False),
        name=name,
    )


class Project(CongressBodyMixin, CleanTextMixin, models.Model):
    """A project in a congress body's standing reserve (项目储备库): a township's, or a
    county congress's own (issue 17). Projects stay across years; a candidate that is not
    elected returns to the reserve."""

    line_text_fields = ("title",)
    multiline_text_fields = ("content", "expected_benefit", "necessity")

    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("township"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("county"),
        help_text=_("Set for the county congress's own rows, instead of a township."),
    )
    title = models.CharField(_("title"), max_length=100)
    content = models.TextField(_("content"))
    category = models.CharField(_("category"), max_length=32, blank=True)
    villages = models.ManyToManyField(
        Village, blank=True, related_name="projects", verbose_name=_("villages")
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    estimated_investment = models.DecimalField(
        _("estimated investment (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    funding_source = models.CharField(_("funding source"), max_length=200, blank=True)
    implementing_body = models.CharField(_("implementing body"), max_length=100, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    expected_benefit = models.TextField(_("expected benefit"), blank=True)
    necessity = models.TextField(_("necessity and feasibility"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.RESERVE
    )
    # Tokens of title + content (projects.domain.tokenize) to find similar reserve projects.
    tokens = ArrayField(models.CharField(max_length=24), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["township", "status"]),
            models.Index(fields=["county", "status"], name="project_county_status"),
            GinIndex(fields=["tokens"], name="project_tokens_gin"),
        ]
        constraints = [
            one_body_constraint("project_one_body"),
            models.CheckConstraint(
                condition=Q(estimated_investment__isnull=True) | Q(estimated_investment__gte=0),
                name="project_investment_not_negative",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])


class AnnualPlan(CongressBodyMixin, models.Model):
    """The livelihood projects plan of a congress body (a township, or a county's own
    congress) for one year, with its number of slots (应选数量)."""

    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("township"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("county"),
        help_text=_("Set for the county congress's own rows, instead of a township."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    slots = models.PositiveSmallIntegerField(_("number of slots"))
    # The suggestions counted in the plan's funnel: received in this window (default: the
    # calendar year before the plan's year, when collection for next year runs).
    collection_start = models.DateField(_("collection starts"), null=True, blank=True)
    collection_end = models.DateField(_("collection ends"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="plan_unique_year"),
            models.UniqueConstraint(fields=["county", "year"], name="plan_unique_county_year"),
            one_body_constraint("plan_one_body"),
            models.CheckConstraint(condition=Q(slots__gte=1), name="plan_slots_positive"),
        ]

    def __str__(self):
        return _("%(township)s %(year)s livelihood projects") % {
            "township": self.body,
            "year": self.year,
        }

    def get_absolute_url(self):
        return reverse("projects:plan_detail", args=[self.pk])


class CandidateList(models.Model):
    """The candidate projects (候选项目) put to the congress for a plan. Once locked it is
    what a vote is set up from; a locked list never changes."""

    plan = models.OneToOneField(
        AnnualPlan,
        on_delete=models.PROTECT,
        related_name="candidate_list",
        verbose_name=_("annual plan"),
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("locked by"),
    )

    class Meta:
        verbose_name = _("candidate list")
        verbose_name_plural = _("candidate lists")

    def __str__(self):
        return _("Candidates for %(plan)s") % {"plan": self.plan}

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Candidate(models.Model):
    candidate_list = models.ForeignKey(
        CandidateList,
        on_delete=models.CASCADE,
        related_name="candidates",
        verbose_name=_("candidate list"),
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="candidacies", verbose_name=_("project")
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("candidate project")
        verbose_name_plural = _("candidate projects")
        ordering = ["candidate_list_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate_list", "project"], name="candidate_unique_project"
            ),
            models.UniqueConstraint(
                fields=["candidate_list", "position"], name="candidate_unique_position"
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.project}"


# ---------------------------------------------------------------------------------------------
# Stage 1: suggestions (项目征集)


class SuggestionChannel(models.TextChoices):
    STATION = "station", _("Liaison station")
    DEPUTY_QR = "deputy_qr", _("Deputy QR code")
    VILLAGE_MEETING = "village_meeting", _("Village meeting")
    DOOR_TO_DOOR = "door_to_door", _("Door-to-door visit")
    RECEPTION_DAY = "reception_day", _("Reception day")
    HOTLINE = "hotline", _("Hotline")
    LETTER = "letter", _("Letter")
    ONLINE = "online", _("Online form")


class SuggestionStatus(models.TextChoices):
    RECEIVED = "received", _("Received, awaiting review")
    MERGED = "merged", _("Taken into the project reserve")
    REJECTED = "rejected", _("Not adopted")
    REFERRED = "referred", _("Referred to the county")


class LiaisonStation(CleanTextMixin, models.Model):
    """A deputies' liaison station (代表联络站); residents reach it by its QR code."""

    line_text_fields = ("name",)

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="stations", verbose_name=_("township")
    )
    name = models.CharField(_("name"), max_length=64)
    village = models.ForeignKey(
        Village,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stations",
        verbose_name=_("village"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("liaison station")
        verbose_name_plural = _("liaison stations")
        ordering = ["township_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="station_unique_name"),
        ]

    def __str__(self):
        return self.name


class IntakeLink(CongressBodyMixin, models.Model):
    """The short link behind a QR code (代表二维码 / 联络站二维码). The link decides who
    receives the suggestion: one deputy, one liaison station, or — a county congress's general
    link — the county's intake itself. A link belongs to a township or to a county's own
    congress (issue 17); a deputy has at most one link of each level, a county deputy's
    county link beside their township link. A county-level station (县级联络站) sits in one of
    the county's townships and its link files into the county's intake."""

    token = models.CharField(_("short code"), max_length=12, unique=True)
    township = models.ForeignKey(
        Township,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="intake_links",
        verbose_name=_("township"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="intake_links",
        verbose_name=_("county"),
        help_text=_("Set for the county congress's own rows, instead of a township."),
    )
    deputy = models.ForeignKey(
        "congress.Deputy",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="intake_links",
        verbose_name=_("deputy"),
    )
    station = models.OneToOneField(
        LiaisonStation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="intake_link",
        verbose_name=_("liaison station"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("QR intake link")
        verbose_name_plural = _("QR intake links")
        constraints = [
            one_body_constraint("intake_link_one_body"),
            # A deputy or a station, never both; neither only for a county's general link.
            models.CheckConstraint(
                condition=Q(deputy__isnull=False, station__isnull=True)
                | Q(deputy__isnull=True, station__isnull=False)
                | Q(deputy__isnull=True, station__isnull=True, county__isnull=False),
                name="intake_link_one_target",
            ),
            models.UniqueConstraint(
                fields=["deputy"],
                condition=Q(deputy__isnull=False, township__isnull=False),
                name="intake_link_deputy_township",
            ),
            models.UniqueConstraint(
                fields=["deputy"],
                condition=Q(deputy__isnull=False, county__isnull=False),
                name="intake_link_deputy_county",
            ),
            models.UniqueConstraint(
                fields=["county"],
                condition=Q(deputy__isnull=True, station__isnull=True),
                name="intake_link_one_general_per_county",
            ),
        ]

    def __str__(self):
        if self.deputy_id or self.station_id:
            return str(self.deputy or self.station)
        return str(self.body)

    def get_absolute_url(self):
        return reverse("projects:intake", args=[self.token])

    @property
    def is_general(self) -> bool:
        """A county congress's general link: no deputy or station receives it."""
        return self.deputy_id is None and self.station_id is None

    @property
    def channel(self) -> str:
        """The channel a suggestion sent through this link arrives by."""
        if self.deputy_id:
            return SuggestionChannel.DEPUTY_QR
        if self.station_id:
            return SuggestionChannel.STATION
        return SuggestionChannel.ONLINE


class Suggestion(CongressBodyMixin, CleanTextMixin, models.Model):
    """One matter per suggestion (一事一提, C2). The proposer's name and phone are private:
    only staff of the township see them; the public lookup by receipt code never shows them.
    No client address is ever stored."""

    line_text_fields = ("title", "proposer_name")
    multiline_text_fields = ("content", "necessity", "reply")

    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("township"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("county"),
        help_text=_("Set for the county congress's own rows, instead of a township."),
    )
    # A township's suggestion too big for it, referred to the county reserve (转县级): the
    # county's row points back to the township's, which keeps its receipt code and reads
    # "referred"; the resident's lookup follows the referral.
    referred_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral",
        verbose_name=_("referred from"),
    )
    receipt_code = models.CharField(_("receipt code"), max_length=16, unique=True)
    title = models.CharField(_("title"), max_length=100)
    content = models.TextField(_("content"), max_length=2000)
    category = models.CharField(_("category"), max_length=32, blank=True)
    village = models.ForeignKey(
        Village,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("village"),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    implementing_body = models.CharField(_("implementing body"), max_length=100, blank=True)
    estimated_investment = models.DecimalField(
        _("estimated investment (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    funding_source = models.CharField(_("funding source"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    necessity = models.TextField(_("necessity and feasibility"), max_length=2000, blank=True)
    proposer_name = models.CharField(_("proposer's name"), max_length=32, blank=True)
    proposer_phone = models.CharField(_("proposer's phone"), max_length=20, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=SuggestionChannel.choices)
    deputy = models.ForeignKey(
        "congress.Deputy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("receiving deputy"),
    )
    station = models.ForeignKey(
        LiaisonStation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("liaison station"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.RECEIVED,
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("project"),
    )
    rejection_reason = models.CharField(_("exclusion reason"), max_length=64, blank=True)
    reply = models.TextField(_("reply to the proposer"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    # Normalised character bigrams and unigrams (projects.domain.tokenize) for the
    # similar-suggestion lookup; the GIN index serves the && pre-filter.
    tokens = ArrayField(models.CharField(max_length=24), default=list, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["township", "status", "-created_at"]),
            models.Index(fields=["township", "-created_at"]),
            models.Index(
                fields=["county", "status", "-created_at"], name="suggestion_county_status"
            ),
            GinIndex(fields=["tokens"], name="suggestion_tokens_gin"),
        ]
        constraints = [
            one_body_constraint("suggestion_one_body"),
            models.CheckConstraint(
                condition=Q(status="merged", project__isnull=False)
                | (~Q(status="merged") & Q(project__isnull=True)),
                name="suggestion_merged_has_project",
            ),
            models.CheckConstraint(
                condition=Q(estimated_investment__isnull=True) | Q(estimated_investment__gte=0),
                name="suggestion_investment_not_negative",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:suggestion_detail", args=[self.pk])

    @property
    def receipt_display(self) -> str:
        from .domain import format_receipt_code

        return format_receipt_code(self.receipt_code)


class ProjectStatusChange(models.Model):
    """The status history of a reserve project."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("project")
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=ProjectStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=ProjectStatus.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("project status change")
        verbose_name_plural = _("project status changes")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.project_id}: {self.from_status} → {self.to_status}"


# ---------------------------------------------------------------------------------------------
# Stage 2: shortlisting (项目初定)


class PlanProject(models.Model):
    """A reserve project put forward for shortlisting in an annual plan."""

    plan = models.ForeignKey(
        AnnualPlan, on_delete=models.CASCADE, related_name="entries", verbose_name=_("annual plan")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="plan_entries", verbose_name=_("project")
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project in a plan")
        verbose_name_plural = _("projects in a plan")
        ordering = ["plan_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "project"], name="plan_project_unique"),
        ]

    def __str__(self):
        return f"{self.plan_id}: {self.project_id}"


class ShortlistRound(CleanTextMixin, models.Model):
    """One shortlisting round of a plan (e.g. 政府审查, 合法性审查, 主席团会议, 党政联席会议),
    copied from the township's rule set when the plan is created."""

    line_text_fields = ("name",)

    plan = models.ForeignKey(
        AnnualPlan, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("annual plan")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=32)

    class Meta:
        verbose_name = _("shortlisting round")
        verbose_name_plural = _("shortlisting rounds")
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="round_unique_position"),
        ]

    def __str__(self):
        return self.name


class RoundDecision(models.TextChoices):
    ADVANCE = "advance", _("Advance")
    HOLD = "hold", _("Hold")
    REJECT = "reject", _("Reject")


class ShortlistDecision(models.Model):
    """A round's decision on one project, with its written reason."""

    round = models.ForeignKey(
        ShortlistRound, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("round")
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="shortlist_decisions",
        verbose_name=_("project"),
    )
    decision = models.CharField(_("decision"), max_length=8, choices=RoundDecision.choices)
    reason = models.CharField(_("reason"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("shortlisting decision")
        verbose_name_plural = _("shortlisting decisions")
        ordering = ["round_id", "project_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="decision_unique_project"),
        ]

    def __str__(self):
        return f"{self.round}: {self.project} · {self.get_decision_display()}"
