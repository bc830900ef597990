"""Stage 4: supervision groups, implementation plans, progress reports, inspections, the
hand-over ledger (交办 → 答复 → 复查 → 销号), supervision priorities and in-app notifications.

Models hold fields, constraints and small properties; workflows live in services.py.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress.models import County, Deputy, Township
from livelihood.text import CleanTextMixin
from projects.models import AnnualPlan, Project, Suggestion

from . import domain, schedule

User = settings.AUTH_USER_MODEL


class GroupStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")


class Proximity(models.TextChoices):
    IN_VILLAGE = domain.IN_VILLAGE, _("Lives or works in a project village")
    ADJACENT = domain.ADJACENT, _("Lives or works next to a project village")
    FAR = domain.FAR, _("Not near the project")
    UNPLACED = domain.UNPLACED, _("The project names no village, so nearness is not known")
    UNKNOWN = domain.UNKNOWN, _("No home or work village on the roster")


class Duty(models.TextChoices):
    LEADER = domain.DUTY_LEADER, _("Group leader")
    FUNDS = domain.DUTY_FUNDS, _("Funds and budget")
    QUALITY = domain.DUTY_QUALITY, _("Quality and safety")
    SCHEDULE = domain.DUTY_SCHEDULE, _("Schedule")
    RESIDENTS = domain.DUTY_RESIDENTS, _("Residents' opinions")


class SupervisionGroup(models.Model):
    """The supervision group (监督小组) of one elected project (U1)."""

    project = models.OneToOneField(
        Project,
        on_delete=models.PROTECT,
        related_name="supervision_group",
        verbose_name=_("project"),
    )
    plan = models.ForeignKey(
        AnnualPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_groups",
        verbose_name=_("annual plan"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=GroupStatus.choices, default=GroupStatus.PROPOSED
    )
    presidium_member = models.CharField(_("presidium member linked"), max_length=32, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supervision group")
        verbose_name_plural = _("supervision groups")
        ordering = ["project_id"]

    def __str__(self):
        return _("Supervision group: %(project)s") % {"project": self.project}

    def get_absolute_url(self):
        return reverse("supervision:group_detail", args=[self.pk])

    @property
    def is_confirmed(self) -> bool:
        return self.status == GroupStatus.CONFIRMED


class GroupMember(models.Model):
    group = models.ForeignKey(
        SupervisionGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("group")
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="supervision_seats", verbose_name=_("deputy")
    )
    is_leader = models.BooleanField(_("group leader"), default=False)
    duty = models.CharField(_("task"), max_length=10, choices=Duty.choices, blank=True)
    # Why the recommender proposed this deputy (kept as proposed; staff edits are audited).
    match = models.PositiveSmallIntegerField(_("trade match"), default=0)
    match_words = models.JSONField(_("matching trade"), default=list, blank=True)
    proximity = models.CharField(
        _("proximity"), max_length=10, choices=Proximity.choices, default=Proximity.UNKNOWN
    )
    distance_km = models.DecimalField(
        _("distance (km)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    load = models.PositiveSmallIntegerField(_("groups held"), default=1)
    proposed = models.BooleanField(_("proposed by the recommender"), default=False)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["-is_leader", "deputy__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "deputy"], name="member_unique_deputy"),
            models.UniqueConstraint(
                fields=["group"], condition=Q(is_leader=True), name="member_one_leader"
            ),
        ]

    def __str__(self):
        return f"{self.deputy} · {self.group_id}"


class ImplementationPlan(CleanTextMixin, models.Model):
    """The implementation plan of an elected project (U4)."""

    multiline_text_fields = ("targets",)

    project = models.OneToOneField(
        Project,
        on_delete=models.PROTECT,
        related_name="implementation_plan",
        verbose_name=_("project"),
    )
    responsible_department = models.CharField(
        _("responsible department"), max_length=100, blank=True
    )
    targets = models.TextField(_("targets"), max_length=2000, blank=True)
    deadline = models.DateField(_("planned completion"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    funding_sources = models.CharField(_("funding sources"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("implementation plan")
        verbose_name_plural = _("implementation plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="implplan_budget_positive"
            ),
        ]

    def __str__(self):
        return _("Implementation plan: %(project)s") % {"project": self.project}


class MilestoneKind(models.TextChoices):
    APPROVAL = "approval", _("Project approval (立项)")
    FISCAL_REVIEW = "fiscal_review", _("Fiscal review (财评)")
    TENDERING = "tendering", _("Tendering (招投标)")
    START = "start", _("Construction start (开工)")
    COMPLETION = "completion", _("Completion (完工)")
    ACCEPTANCE = "acceptance", _("Acceptance (验收)")


MILESTONE_ORDER = [k.value for k in MilestoneKind]


class Milestone(models.Model):
    plan = models.ForeignKey(
        ImplementationPlan,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("implementation plan"),
    )
    kind = models.CharField(_("milestone"), max_length=16, choices=MilestoneKind.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    done_on = models.DateField(_("reached on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="milestone_unique_kind"),
        ]

    def __str__(self):
        return self.get_kind_display()


class WorkStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    DELAYED = "delayed", _("Delayed")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")


class ProgressReport(CleanTextMixin, models.Model):
    """The government liaison's progress report for one period (U5)."""

    multiline_text_fields = ("narrative",)

    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="progress_reports",
        verbose_name=_("project"),
    )
    period = models.CharField(_("period"), max_length=16)
    reported_on = models.DateField(_("report date"))
    invested = models.DecimalField(
        _("invested to date (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    quantities = models.CharField(_("quantities built"), max_length=200, blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("% complete"),
        validators=[MaxValueValidator(100)],
    )
    milestone = models.CharField(
        _("milestone reached"), max_length=16, choices=MilestoneKind.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=WorkStatus.choices)
    expected_completion = models.DateField(_("expected completion"), null=True, blank=True)
    narrative = models.TextField(_("narrative"), max_length=4000, blank=True)
    # Flags computed when the report is submitted (against the plan as it stood then).
    over_budget = models.BooleanField(_("over budget"), default=False)
    slip_days = models.PositiveIntegerField(_("schedule slip (days)"), default=0)
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="report_unique_period"),
            models.CheckConstraint(
                condition=Q(percent_complete__lte=100), name="report_percent_range"
            ),
            models.CheckConstraint(condition=Q(invested__gte=0), name="report_invested_positive"),
        ]

    def __str__(self):
        return f"{self.project} · {self.period}"


class Inspection(CleanTextMixin, models.Model):
    """An inspection (视察): by a township project's supervision group, or — for a county
    congress's project, which has no group — by county deputies in an inspection organised
    by the special committee or office following it (``unit``). Exactly one of the two."""

    multiline_text_fields = ("notes",)

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("project")
    )
    group = models.ForeignKey(
        SupervisionGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("supervision group"),
    )
    unit = models.ForeignKey(
        "SupervisionUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("organised by"),
    )
    date = models.DateField(_("date"))
    attendees = models.ManyToManyField(
        Deputy, related_name="inspections", verbose_name=_("deputies attending")
    )
    notes = models.TextField(_("notes"), max_length=4000)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False, unit__isnull=True)
                | Q(group__isnull=True, unit__isnull=False),
                name="inspection_one_organiser",
            ),
        ]

    def __str__(self):
        return _("Inspection of %(project)s on %(date)s") % {
            "project": self.project,
            "date": self.date,
        }


class Photo(models.Model):
    """A checked, resized photo of an inspection or a progress report. EXIF is stripped;
    only GPS is kept, and only when the uploader chose to keep the location."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    file = models.FileField(_("photo"), upload_to="supervision/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    has_location = models.BooleanField(_("location kept"), default=False)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(inspection__isnull=False, report__isnull=True)
                | Q(inspection__isnull=True, report__isnull=False),
                name="photo_one_owner",
            ),
        ]

    def __str__(self):
        return self.file.name

    def get_absolute_url(self):
        return reverse("supervision:photo", args=[self.pk])


class ItemKind(models.TextChoices):
    PROBLEM = "problem", _("Problem (交办)")
    RECTIFICATION = "rectification", _("Rectification (整改)")


class ItemSource(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    RESIDENT = "resident", _("Residents' suggestion")
    EVALUATION = "evaluation", _("Satisfaction evaluation")
    STAFF = "staff", _("Presidium")
    ROUND = "round", _("Concentrated supervision (集中督查)")
    HEARING = "hearing", _("Hearing (审议意见)")


class ItemStatus(models.TextChoices):
    RECORDED = domain.RECORDED, _("Recorded")
    HANDED_OVER = domain.HANDED_OVER, _("Handed over (交办)")
    ANSWERED = domain.ANSWERED, _("Answered")
    REOPENED = domain.REOPENED, _("Reopened")
    CLOSED = domain.CLOSED, _("Closed (销号)")


class LedgerItem(CleanTextMixin, models.Model):
    """One problem in the hand-over ledger (U6), or a rectification (整改, E4).

    It belongs to a township or to a county congress (exactly one, like a project). It
    concerns an elected project, or none: a 微建议 raised at a liaison station is handed over
    on its own (issue 20)."""

    line_text_fields = ("title",)
    multiline_text_fields = ("detail", "answer")

    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_items",
        verbose_name=_("project"),
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("township"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county"),
    )
    kind = models.CharField(
        _("kind"), max_length=14, choices=ItemKind.choices, default=ItemKind.PROBLEM
    )
    source = models.CharField(
        _("source"), max_length=12, choices=ItemSource.choices, default=ItemSource.INSPECTION
    )
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("inspection"),
    )
    suggestion = models.ForeignKey(
        Suggestion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("residents' suggestion"),
    )
    supervision_round = models.ForeignKey(
        "SupervisionRound",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("concentrated supervision"),
    )
    hearing = models.ForeignKey(
        "Hearing",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("hearing"),
    )
    title = models.CharField(_("problem"), max_length=200)
    detail = models.TextField(_("detail"), max_length=4000, blank=True)
    department = models.CharField(_("department handed to"), max_length=100, blank=True)
    deadline = models.DateField(_("deadline (限时办结)"), null=True, blank=True)
    report_required = models.BooleanField(
        _("report due at the next standing-committee meeting"), default=False
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.RECORDED
    )
    answer = models.TextField(_("department's answer"), max_length=4000, blank=True)
    escalated_at = models.DateTimeField(
        _("escalated to the presidium (督办)"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger item")
        verbose_name_plural = _("ledger items")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["township", "status"]),
            models.Index(fields=["county", "status"]),
            models.Index(fields=["project", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="recorded") | (~Q(department="") & Q(deadline__isnull=False)),
                name="item_handed_has_department_deadline",
            ),
            models.CheckConstraint(
                condition=Q(township__isnull=False, county__isnull=True)
                | Q(township__isnull=True, county__isnull=False),
                name="item_one_body",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("supervision:item_detail", args=[self.pk])

    @property
    def body(self):
        """The township or the county congress the item belongs to."""
        return self.township if self.township_id else self.county

    @property
    def where(self) -> str:
        """What the item is about, for lists: the project's title, or the body's name for a
        hand-over without a project (a 微建议)."""
        return self.project.title if self.project_id else self.body.name

    @property
    def is_open(self) -> bool:
        return self.status in domain.OPEN_STATUSES

    def is_overdue(self, today) -> bool:
        return domain.is_overdue(self.status, self.deadline, today)


class EventAction(models.TextChoices):
    RECORD = "record", _("Recorded")
    HAND_OVER = "hand_over", _("Handed over (交办)")
    ANSWER = "answer", _("Answered by the department")
    REOPEN = "reopen", _("Re-inspected: reopened")
    CLOSE = "close", _("Re-inspected: closed (销号)")
    ESCALATE = "escalate", _("Escalated to the presidium (督办)")


class LedgerEvent(models.Model):
    """Every step of a ledger item, dated and by whom."""

    item = models.ForeignKey(LedgerItem, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(_("action"), max_length=16, choices=EventAction.choices)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)
    note = models.TextField(_("note"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("ledger step")
        verbose_name_plural = _("ledger steps")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.item_id} {self.action}"


class SupervisionPriority(models.Model):
    """A project flagged as a supervision priority for a year (E4: low-rated projects)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="supervision_priorities"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    reason = models.CharField(_("reason"), max_length=200)
    set_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supervision priority")
        verbose_name_plural = _("supervision priorities")
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="priority_unique_year"),
        ]

    def __str__(self):
        return f"{self.project} · {self.year}"


class NotificationKind(models.TextChoices):
    INSPECTION_DUE = "inspection_due", _("Inspection due")
    INSPECTION_OVERDUE = "inspection_overdue", _("Inspection overdue")
    REPORT_DUE = "report_due", _("Progress report due")
    ITEM_OVERDUE = "item_overdue", _("Hand-over overdue")
    ITEM_ESCALATED = "item_escalated", _("Hand-over escalated (督办)")
    ITEM_ANSWERED = "item_answered", _("Hand-over answered: re-inspect")
    ITEM_HANDED_OVER = "item_handed_over", _("Problem handed over to you")
    DUTY_DAY = "duty_day", _("Reception day reminder")
    ROUND_DUE = "round_due", _("Concentrated supervision coming (集中督查)")


class Notification(models.Model):
    """An in-app reminder. ``key`` + ``day`` make reminders idempotent: one per item per day."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    key = models.CharField(max_length=64)
    day = models.DateField()
    subject = models.CharField(_("subject"), max_length=200)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key", "day"], name="notification_once_a_day"),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"


# ---------------------------------------------------------------------------------------------
# A county congress's supervision (issue 17): 督办 leaders, special committees and offices,
# concentrated supervision (集中督查) and hearings (听取审议).


class SupervisionUnit(models.Model):
    """A special committee (专门委员会) or office of the county's standing committee that
    follows one or more of the county's elected projects. The list is configurable per county;
    its defaults are seeded by ``services.county_units_ensure`` (never on a GET)."""

    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="supervision_units", verbose_name=_("county")
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    contact = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact (receives reminders)"),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("special committee or office")
        verbose_name_plural = _("special committees and offices")
        ordering = ["county_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="unit_unique_name"),
        ]

    def __str__(self):
        return self.name


class CountySupervisionSettings(models.Model):
    """When a county's concentrated supervision (集中督查) takes place: every ``every_months``
    months from ``first_month``, on ``day_of_month``; reminders ``remind_days_before``."""

    county = models.OneToOneField(
        County,
        on_delete=models.CASCADE,
        related_name="supervision_settings",
        verbose_name=_("county"),
    )
    every_months = models.PositiveSmallIntegerField(
        _("concentrated supervision every (months)"),
        default=schedule.ROUND_EVERY_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    first_month = models.PositiveSmallIntegerField(
        _("first round in month"),
        default=schedule.ROUND_FIRST_MONTH,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("on day of the month"),
        default=schedule.ROUND_DAY,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind (days before)"),
        default=schedule.ROUND_REMIND_DAYS,
        validators=[MaxValueValidator(60)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("county supervision settings")
        verbose_name_plural = _("county supervision settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(every_months__gte=1, every_months__lte=12), name="round_every_range"
            ),
            models.CheckConstraint(
                condition=Q(first_month__gte=1, first_month__lte=12), name="round_first_range"
            ),
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1, day_of_month__lte=31), name="round_day_range"
            ),
        ]

    def __str__(self):
        return str(self.county)


class ProjectOversight(models.Model):
    """An elected county project's 督办领导 (a standing-committee leader) and the special
    committee or office responsible for following it."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="oversight", verbose_name=_("project")
    )
    leader_name = models.CharField(_("supervising leader (督办领导)"), max_length=60)
    leader_user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leader's login (receives reminders)"),
    )
    unit = models.ForeignKey(
        SupervisionUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="oversights",
        verbose_name=_("responsible committee or office"),
    )
    set_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supervising leader and committee")
        verbose_name_plural = _("supervising leaders and committees")

    def __str__(self):
        return f"{self.project} · {self.leader_name}"


class SupervisionRound(CleanTextMixin, models.Model):
    """A concentrated supervision (集中督查) held by the county's standing committee: the date,
    the projects visited, what was found (each finding a hand-over ledger item)."""

    multiline_text_fields = ("notes",)

    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="supervision_rounds",
        verbose_name=_("county"),
    )
    date = models.DateField(_("date"))
    projects = models.ManyToManyField(
        Project, related_name="supervision_rounds", verbose_name=_("projects visited")
    )
    notes = models.TextField(_("findings"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("concentrated supervision")
        verbose_name_plural = _("concentrated supervisions")
        ordering = ["-date", "-id"]

    def __str__(self):
        return _("Concentrated supervision on %(date)s") % {"date": self.date}

    def get_absolute_url(self):
        return reverse("supervision:round_detail", args=[self.pk])


class HearingBody(models.TextChoices):
    DIRECTORS = "directors", _("Council of chairpersons (主任会议)")
    STANDING_COMMITTEE = "standing", _("Standing committee meeting (常委会会议)")


class Hearing(CleanTextMixin, models.Model):
    """听取审议: a 主任会议 or 常委会会议 that heard the government's report on the projects,
    with the opinions it issued (审议意见); follow-up items go to the hand-over ledger."""

    multiline_text_fields = ("opinions",)

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="hearings", verbose_name=_("county")
    )
    date = models.DateField(_("date"))
    body = models.CharField(_("meeting"), max_length=10, choices=HearingBody.choices)
    projects = models.ManyToManyField(
        Project, related_name="hearings", verbose_name=_("reports heard")
    )
    opinions = models.TextField(_("opinions issued (审议意见)"), max_length=8000)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["-date", "-id"]

    def __str__(self):
        return _("%(meeting)s on %(date)s") % {
            "meeting": self.get_body_display(),
            "date": self.date,
        }

    def get_absolute_url(self):
        return reverse("supervision:hearing_detail", args=[self.pk])
