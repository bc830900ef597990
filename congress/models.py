"""Who and when: places, deputies, terms, sessions, attendance, roles, rule sets, audit.

Models hold fields, constraints and small properties; workflows live in services.py.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from livelihood.text import CleanTextMixin

from .collation import stroke_sort_key


class Prefecture(CleanTextMixin, models.Model):
    """A prefecture-level city (市, 地级) whose people's congress standing committee guides the
    counties in it (株洲's city-wide guidance is the model); its reviewers read every county."""

    line_text_fields = ("name",)

    name = models.CharField(_("name"), max_length=64)
    code = models.CharField(_("code"), max_length=12, unique=True)

    class Meta:
        verbose_name = _("prefecture")
        verbose_name_plural = _("prefectures")
        ordering = ["code"]

    def __str__(self):
        return self.name


class County(CleanTextMixin, models.Model):
    line_text_fields = ("name",)

    name = models.CharField(_("name"), max_length=64)
    code = models.CharField(_("code"), max_length=12, unique=True)
    prefecture = models.ForeignKey(
        Prefecture,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counties",
        verbose_name=_("prefecture"),
    )

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("congress:county_congress", args=[self.pk])


class Township(CleanTextMixin, models.Model):
    line_text_fields = ("name",)

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="townships", verbose_name=_("county")
    )
    name = models.CharField(_("name"), max_length=64)
    code = models.CharField(_("code"), max_length=16, unique=True)

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="township_unique_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("congress:township_detail", args=[self.pk])


class Village(CleanTextMixin, models.Model):
    """A village or residential community (村/社区). Coordinates and adjacency let the
    supervision recommender judge whether a deputy lives or works near a project."""

    line_text_fields = ("name",)

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="villages", verbose_name=_("township")
    )
    name = models.CharField(_("name"), max_length=64)
    code = models.CharField(_("code"), max_length=20, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    adjacent = models.ManyToManyField(
        "self", symmetrical=True, blank=True, verbose_name=_("adjacent villages")
    )

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["township_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="village_unique_name"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="village_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="village_longitude_range",
            ),
        ]

    def __str__(self):
        return self.name


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Deputy(CleanTextMixin, models.Model):
    """A people's congress deputy (人大代表) on a township's roster.

    A deputy may hold a township seat, a county seat, or both. The phone number is private:
    only staff of the deputy's township see it.
    """

    line_text_fields = ("name",)

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="deputies", verbose_name=_("township")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=32)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    is_township_deputy = models.BooleanField(_("township deputy"), default=True)
    is_county_deputy = models.BooleanField(_("county deputy"), default=False)
    home_village = models.ForeignKey(
        Village,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident_deputies",
        verbose_name=_("home village"),
    )
    work_village = models.ForeignKey(
        Village,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="working_deputies",
        verbose_name=_("work village"),
    )
    profession = models.CharField(_("profession"), max_length=64, blank=True)
    employer = models.CharField(_("employer"), max_length=128, blank=True)
    expertise = ArrayField(
        models.CharField(max_length=32), default=list, blank=True, verbose_name=_("expertise")
    )
    is_party_committee = models.BooleanField(_("party committee member"), default=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    in_office = models.BooleanField(_("in office"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputy",
        verbose_name=_("user account"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # 姓氏笔画 order: the ICU sort key of ``name`` (congress/collation.py), kept by save().
    name_sort_key = models.BinaryField(default=b"", editable=False)

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["township_id", "name_sort_key", "id"]
        constraints = [
            # The roster import updates a deputy with the same name and phone instead of
            # adding a second one; this backs that rule in the database.
            models.UniqueConstraint(
                fields=["township", "name", "phone"], name="deputy_unique_name_phone"
            ),
            models.CheckConstraint(
                condition=Q(is_township_deputy=True) | Q(is_county_deputy=True),
                name="deputy_holds_a_seat",
            ),
        ]
        indexes = [
            models.Index(fields=["township", "in_office"]),
            models.Index(fields=["township", "name_sort_key"], name="deputy_stroke_order"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Every write of a name goes through save() (the services, the roster import, the
        # admin), so the stroke-order key cannot fall behind the name.
        self.name_sort_key = stroke_sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_sort_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("congress:deputy_detail", args=[self.pk])

    @property
    def levels_display(self):
        levels = []
        if self.is_township_deputy:
            levels.append(str(_("township")))
        if self.is_county_deputy:
            levels.append(str(_("county")))
        return " / ".join(levels)


class CongressLevel(models.TextChoices):
    TOWNSHIP = "township", _("Township people's congress")
    COUNTY = "county", _("County people's congress")


class Term(models.Model):
    """A congress term (届), e.g. the 19th township people's congress."""

    level = models.CharField(_("level"), max_length=10, choices=CongressLevel.choices)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="terms", verbose_name=_("county")
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terms",
        verbose_name=_("township"),
    )
    number = models.PositiveSmallIntegerField(_("term number"))
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["county_id", "township_id", "-number"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="township", township__isnull=False))
                | Q(level="county", township__isnull=True),
                name="term_level_matches_body",
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="term_years_ordered"
            ),
            models.UniqueConstraint(
                fields=["township", "number"],
                condition=Q(level="township"),
                name="term_unique_township_number",
            ),
            models.UniqueConstraint(
                fields=["county", "number"],
                condition=Q(level="county"),
                name="term_unique_county_number",
            ),
        ]

    def __str__(self):
        body = self.township.name if self.township_id else self.county.name
        return _("%(body)s, term %(number)s (%(start)s–%(end)s)") % {
            "body": body,
            "number": self.number,
            "start": self.start_year,
            "end": self.end_year,
        }


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class Session(models.Model):
    """One sitting of a congress term (第N次会议)."""

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("term")
    )
    number = models.PositiveSmallIntegerField(_("session number"))
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=128, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="session_unique_number"),
        ]

    def __str__(self):
        return _("%(term)s, session %(number)s") % {"term": self.term, "number": self.number}

    def get_absolute_url(self):
        return reverse("congress:session_detail", args=[self.pk])


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LEAVE = "leave", _("On leave")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    """A deputy's attendance at a session. The roll is created when the session's roll is
    opened, one row per deputy then in office, so 应到 is fixed for the session.

    Check-in records *that* a deputy came, never which ballot slip they drew."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("session")
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("deputy")
    )
    status = models.CharField(
        _("attendance"),
        max_length=8,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.ABSENT,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "deputy"], name="attendance_unique"),
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self):
        return f"{self.deputy} · {self.get_status_display()}"


class Delegation(CleanTextMixin, models.Model):
    """A delegation (代表团) of a county congress term: the county deputies elected in one
    township, or in one sector (e.g. 驻县单位), deliberate and are counted together. Its head
    (团长) is one of its deputies."""

    line_text_fields = ("name",)

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="delegations", verbose_name=_("term")
    )
    name = models.CharField(_("name"), max_length=64)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations",
        verbose_name=_("township"),
        help_text=_("The township it represents; empty for a sector's delegation."),
    )
    head = models.ForeignKey(
        Deputy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("head of the delegation (团长)"),
    )

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["term_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "name"], name="delegation_unique_name"),
            models.UniqueConstraint(
                fields=["term", "township"],
                condition=Q(township__isnull=False),
                name="delegation_unique_township",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("congress:delegation_detail", args=[self.pk])


class DelegationMember(models.Model):
    """A deputy's seat in a delegation for one county term. Kept apart from the deputy's
    township seat (Deputy.township): a deputy who holds both keeps both. ``term`` repeats the
    delegation's term so that a deputy sits in at most one delegation per term."""

    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("delegation"),
    )
    term = models.ForeignKey(
        Term, on_delete=models.CASCADE, related_name="+", verbose_name=_("term")
    )
    deputy = models.ForeignKey(
        Deputy,
        on_delete=models.CASCADE,
        related_name="delegation_memberships",
        verbose_name=_("deputy"),
    )

    class Meta:
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        constraints = [
            models.UniqueConstraint(fields=["term", "deputy"], name="delegation_one_per_term"),
        ]

    def __str__(self):
        return f"{self.deputy_id} · {self.delegation_id}"


class Role(models.TextChoices):
    STAFF = "staff", _("Presidium staff")
    TELLER = "teller", _("Teller")
    SCRUTINEER = "scrutineer", _("Scrutineer")
    GOVERNMENT = "government", _("Government liaison")
    REVIEWER = "reviewer", _("County reviewer")


TOWNSHIP_ROLES = (Role.STAFF, Role.TELLER, Role.SCRUTINEER, Role.GOVERNMENT)


class RoleAssignment(models.Model):
    """A scoped role: staff/teller/scrutineer/government for one township's congress or for
    one county's own congress (县人大常委会工作人员: a county instead of a township);
    reviewer for one county or for every county of one prefecture (市)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    township = models.ForeignKey(
        Township,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("township"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("county"),
    )
    prefecture = models.ForeignKey(
        Prefecture,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("prefecture"),
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        role="reviewer",
                        county__isnull=False,
                        township__isnull=True,
                        prefecture__isnull=True,
                    )
                    | Q(
                        role="reviewer",
                        prefecture__isnull=False,
                        county__isnull=True,
                        township__isnull=True,
                    )
                    | (
                        Q(role__in=["staff", "teller", "scrutineer", "government"])
                        & Q(prefecture__isnull=True)
                        & (
                            Q(township__isnull=False, county__isnull=True)
                            | Q(township__isnull=True, county__isnull=False)
                        )
                    )
                ),
                name="role_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "township"],
                condition=Q(township__isnull=False),
                name="role_unique_township",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "county"],
                condition=Q(county__isnull=False),
                name="role_unique_county",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "prefecture"],
                condition=Q(prefecture__isnull=False),
                name="role_unique_prefecture",
            ),
        ]

    def __str__(self):
        return (
            f"{self.user} · {self.role_label} · {self.township or self.county or self.prefecture}"
        )

    @property
    def role_label(self) -> str:
        """The role as people say it: a county's staff are 县人大常委会工作人员, a reviewer
        of a prefecture is the city's reviewer."""
        if self.role == Role.STAFF and self.county_id:
            return str(_("County congress staff"))
        if self.role == Role.REVIEWER and self.prefecture_id:
            return str(_("Prefecture reviewer"))
        if self.county_id and self.role != Role.REVIEWER:
            return "{} ({})".format(self.get_role_display(), _("county congress"))
        return self.get_role_display()


class VoteMode(models.TextChoices):
    COMPETITIVE = "competitive", _("Competitive (差额: more candidates than slots)")
    EQUAL = "equal", _("Equal (等额: candidates equal slots)")
    ITEMIZED = "itemized", _("Item by item (逐项)")


class BallotType(models.TextChoices):
    APPROVAL = "approval", _("For / against / abstain per candidate")
    RANKING = "ranking", _("Ranking by urgency")


class PassBase(models.TextChoices):
    IN_OFFICE = "in_office", _("All deputies in office (全体代表)")
    DUE = "due", _("Deputies due (应到)")
    PRESENT = "present", _("Deputies present (实到)")


class TieRule(models.TextChoices):
    REVOTE = "revote", _("Re-vote among the tied candidates (另行投票)")
    PRESIDIUM = "presidium", _("Presidium decides, with a recorded reason")


class ShortfallRule(models.TextChoices):
    FURTHER_VOTE = "further_vote", _("A further vote on the remaining candidates (另行票决)")
    LEAVE_EMPTY = "leave_empty", _("The remaining slots stay empty")


class BlankBallotPolicy(models.TextChoices):
    VALID_ABSTAIN = "valid_abstain", _("Valid, every candidate abstained")
    INVALID = "invalid", _("Invalid")


class GradeBase(models.TextChoices):
    RETURNED = "returned", _("Ballots returned (收回)")
    VALID = "valid", _("Valid ballots")
    PRESENT = "present", _("Deputies present (实到)")
    IN_OFFICE = "in_office", _("All deputies in office")


def default_exclusion_reasons():
    return [
        "增加群众负担或形成债务风险",
        "上级指令性项目",
        "楼堂馆所建设",
        "停建缓建项目",
    ]


def default_shortlisting_rounds():
    return ["政府审查", "合法性审查", "主席团会议", "党政联席会议"]


class RuleSet(models.Model):
    """The local voting rules (票决办法) of a township or county congress.

    Each rule has the most common practice as its default (domain-rules.md). A vote or an
    evaluation copies the rule set when it is set up, so later edits never change a past vote.
    """

    township = models.OneToOneField(
        Township,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ruleset",
        verbose_name=_("township"),
    )
    county = models.OneToOneField(
        County,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ruleset",
        verbose_name=_("county"),
    )
    # Voting (V1–V3, S1, B2, P1–P4)
    vote_mode = models.CharField(
        _("vote mode"), max_length=12, choices=VoteMode.choices, default=VoteMode.COMPETITIVE
    )
    ballot_type = models.CharField(
        _("ballot type"), max_length=10, choices=BallotType.choices, default=BallotType.APPROVAL
    )
    pass_base = models.CharField(
        _("pass base"), max_length=10, choices=PassBase.choices, default=PassBase.IN_OFFICE
    )
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=3)
    tie_rule = models.CharField(
        _("tie at the cutoff"), max_length=10, choices=TieRule.choices, default=TieRule.REVOTE
    )
    shortfall_rule = models.CharField(
        _("fewer passing than slots"),
        max_length=12,
        choices=ShortfallRule.choices,
        default=ShortfallRule.FURTHER_VOTE,
    )
    blank_ballot_policy = models.CharField(
        _("ballot with no mark"),
        max_length=14,
        choices=BlankBallotPolicy.choices,
        default=BlankBallotPolicy.VALID_ABSTAIN,
    )
    trackers_enabled = models.BooleanField(_("ballot trackers"), default=True)
    # Sealed ballots: the vote's key is split k-of-n among the chief scrutineer and the
    # scrutineers (0 = every scrutineer named for the vote; 0 = a majority of them).
    key_holders = models.PositiveSmallIntegerField(
        _("key holders (n)"),
        default=0,
        blank=True,
        help_text=_("0: every scrutineer named for the vote"),
    )
    key_threshold = models.PositiveSmallIntegerField(
        _("key shares needed to open the box (k)"),
        default=0,
        blank=True,
        help_text=_("0: a majority of the key holders"),
    )
    # Satisfaction evaluation (E1–E4)
    evaluation_allows_abstain = models.BooleanField(_("evaluation allows 弃权"), default=False)
    evaluation_sub_items = ArrayField(
        models.CharField(max_length=32),
        default=list,
        blank=True,
        verbose_name=_("evaluation sub-items"),
    )
    evaluation_grade_base = models.CharField(
        _("grade base"), max_length=10, choices=GradeBase.choices, default=GradeBase.RETURNED
    )
    evaluation_half_counts = models.BooleanField(_("exactly half counts"), default=True)
    rectify_on_basic = models.BooleanField(_("基本满意 requires rectification"), default=True)
    report_on_unsatisfied = models.BooleanField(
        _("不满意 requires a report to the standing committee"), default=True
    )
    low_rated_priority = models.BooleanField(
        _("low-rated projects become next year's supervision priorities"), default=True
    )
    # Supervision (U1–U3)
    group_min_size = models.PositiveSmallIntegerField(_("group minimum size"), default=3)
    group_max_size = models.PositiveSmallIntegerField(_("group maximum size"), default=5)
    max_groups_per_deputy = models.PositiveSmallIntegerField(
        _("groups per deputy at most"), default=2
    )
    inspection_interval_months = models.PositiveSmallIntegerField(
        _("inspection every (months)"), default=1
    )
    hearing_interval_months = models.PositiveSmallIntegerField(
        _("progress hearing every (months)"), default=3
    )
    report_interval_months = models.PositiveSmallIntegerField(
        _("written report every (months)"), default=6
    )
    # Suggestions and shortlisting (C3, C5)
    exclusion_reasons = ArrayField(
        models.CharField(max_length=64),
        default=default_exclusion_reasons,
        blank=True,
        verbose_name=_("exclusion reasons"),
    )
    shortlisting_rounds = ArrayField(
        models.CharField(max_length=32),
        default=default_shortlisting_rounds,
        verbose_name=_("shortlisting rounds"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        constraints = [
            models.CheckConstraint(
                condition=Q(township__isnull=False, county__isnull=True)
                | Q(township__isnull=True, county__isnull=False),
                name="ruleset_one_body",
            ),
            models.CheckConstraint(
                condition=Q(quorum_denominator__gt=0)
                & Q(quorum_numerator__gt=0)
                & Q(quorum_numerator__lte=models.F("quorum_denominator")),
                name="ruleset_quorum_fraction",
            ),
            models.CheckConstraint(
                condition=Q(group_min_size__gte=1)
                & Q(group_max_size__gte=models.F("group_min_size")),
                name="ruleset_group_sizes",
            ),
            models.CheckConstraint(
                condition=Q(max_groups_per_deputy__gte=1), name="ruleset_groups_per_deputy"
            ),
        ]

    def __str__(self):
        return _("Rules of %(body)s") % {"body": self.township or self.county}


class AuditEvent(models.Model):
    """Who did what, when, to which object — written by services in the same transaction as
    the change. Never holds ballot content or ballot codes."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    township = models.ForeignKey(
        Township,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("township"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county"),
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["township", "-at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"
