"""Liaison stations (代表联络站) around the cycle: each station's profile, the reception
calendar (接待日), 代表有约 bookings, receptions with the matters raised, and the deputies'
duty record (履职档案): configurable items with points (履职积分) and items staff credit by hand.

A station's identity stays ``projects.LiaisonStation`` (the QR intake point); this app adds a
one-to-one profile. The points credited from other stages' records are never stored here:
``selectors.duty_record`` counts them as of a date. Nothing here reads how a deputy voted —
only whether they attended a session.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress.models import Deputy, Township
from livelihood.text import CleanTextMixin
from projects.models import LiaisonStation, Suggestion
from supervision.models import LedgerItem


class StationLevel(models.TextChoices):
    COUNTY = "county", _("County station")
    TOWNSHIP = "township", _("Township station")
    VILLAGE = "village", _("Village station")


class StationProfile(CleanTextMixin, models.Model):
    """What a liaison station is beyond its QR code: level, form, hours, its deputies."""

    line_text_fields = ("opening_hours",)

    station = models.OneToOneField(
        LiaisonStation,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="profile",
        verbose_name=_("liaison station"),
    )
    level = models.CharField(
        _("level"), max_length=10, choices=StationLevel.choices, default=StationLevel.TOWNSHIP
    )
    online = models.BooleanField(_("online station"), default=False)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    deputies = models.ManyToManyField(
        Deputy, blank=True, related_name="assigned_stations", verbose_name=_("assigned deputies")
    )

    class Meta:
        verbose_name = _("station profile")
        verbose_name_plural = _("station profiles")

    def __str__(self):
        return str(self.station)


class StationRules(models.Model):
    """A township's station rules: the minimum duty days a deputy attends in a year."""

    township = models.OneToOneField(
        Township, on_delete=models.CASCADE, related_name="station_rules", verbose_name=_("township")
    )
    min_duty_days = models.PositiveSmallIntegerField(
        _("minimum station duty days per deputy per year"), default=4
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind deputies this many days before a duty day"), default=1
    )

    class Meta:
        verbose_name = _("station rules")
        verbose_name_plural = _("station rules")

    def __str__(self):
        return str(self.township)


class DutyItem(CleanTextMixin, models.Model):
    """A township's points for one duty item (履职积分). Automatic items use the codes of
    ``domain.AUTO_ITEMS`` and override their default points; manual items are credited by
    staff with evidence."""

    line_text_fields = ("label",)

    township = models.ForeignKey(
        Township, on_delete=models.CASCADE, related_name="duty_items", verbose_name=_("township")
    )
    code = models.SlugField(_("code"), max_length=32)
    label = models.CharField(_("item"), max_length=64, blank=True)
    points = models.PositiveSmallIntegerField(_("points"))
    is_manual = models.BooleanField(_("credited by hand"), default=False)

    class Meta:
        verbose_name = _("duty item")
        verbose_name_plural = _("duty items")
        ordering = ["township_id", "is_manual", "code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="duty_item_unique_code"),
        ]

    def __str__(self):
        return self.label or self.code


class DutyDay(models.Model):
    """A reception day (接待日) on the station's calendar: deputies on duty, date and time."""

    station = models.ForeignKey(
        LiaisonStation,
        on_delete=models.CASCADE,
        related_name="duty_days",
        verbose_name=_("liaison station"),
    )
    date = models.DateField(_("date"))
    start = models.TimeField(_("from"))
    end = models.TimeField(_("to"))
    deputies = models.ManyToManyField(
        Deputy, related_name="duty_days", verbose_name=_("deputies on duty")
    )
    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        ordering = ["date", "start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["station", "date", "start"], name="duty_day_unique"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="duty_day_times"),
        ]
        indexes = [models.Index(fields=["station", "date"])]

    def __str__(self):
        return f"{self.station} {self.date:%Y-%m-%d} {self.start:%H:%M}"

    def get_absolute_url(self):
        return reverse("stations:duty_day", args=[self.pk])


class DutySwap(models.Model):
    """A recorded swap: ``from_deputy`` hands their duty day to ``to_deputy``."""

    duty_day = models.ForeignKey(
        DutyDay, on_delete=models.CASCADE, related_name="swaps", verbose_name=_("reception day")
    )
    from_deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("duty swap")
        verbose_name_plural = _("duty swaps")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_deputy} → {self.to_deputy}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    RECEIVED = "received", _("Received")


class Booking(CleanTextMixin, models.Model):
    """代表有约: a resident's appointment with the deputies on a reception day. Name and phone
    are optional and shown only to the township's staff and the deputies on duty."""

    line_text_fields = ("name",)
    multiline_text_fields = ("topic",)

    duty_day = models.ForeignKey(
        DutyDay, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("reception day")
    )
    code = models.CharField(_("receipt code"), max_length=12, unique=True)
    topic = models.TextField(_("what you would like to raise"), max_length=1000)
    name = models.CharField(_("your name"), max_length=32, blank=True)
    phone = models.CharField(_("your phone"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    reception = models.ForeignKey(
        "Reception",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("reception"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appointment (代表有约)")
        verbose_name_plural = _("appointments (代表有约)")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.code


class VisitKind(models.TextChoices):
    RECEPTION = "reception", _("Deputies' reception")
    HEAD_VISIT = "head_visit", _("Department head at the station (局长进站)")


class Reception(CleanTextMixin, models.Model):
    """A reception held at a station: the deputies present, residents received, matters."""

    line_text_fields = ("visitor",)
    multiline_text_fields = ("notes",)

    station = models.ForeignKey(
        LiaisonStation,
        on_delete=models.PROTECT,
        related_name="receptions",
        verbose_name=_("liaison station"),
    )
    duty_day = models.ForeignKey(
        DutyDay,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="receptions",
        verbose_name=_("reception day"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=VisitKind.choices, default=VisitKind.RECEPTION
    )
    date = models.DateField(_("date"))
    deputies = models.ManyToManyField(
        Deputy, blank=True, related_name="receptions", verbose_name=_("deputies present")
    )
    visitor = models.CharField(_("department head visiting"), max_length=100, blank=True)
    residents = models.PositiveSmallIntegerField(
        _("residents received"), validators=[MinValueValidator(0)], default=0
    )
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reception")
        verbose_name_plural = _("receptions")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["station", "date"])]

    def __str__(self):
        return f"{self.station} {self.date:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("stations:reception_detail", args=[self.pk])


class MatterRoute(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion for the project intake")
    MICRO = "micro", _("微建议 handed to a department")


class ReceptionMatter(models.Model):
    """A matter raised at a reception. It always becomes a suggestion (channel 联络站) so the
    resident can follow it; a 微建议 is also handed over through supervision's ledger."""

    reception = models.ForeignKey(
        Reception, on_delete=models.CASCADE, related_name="matters", verbose_name=_("reception")
    )
    route = models.CharField(_("route"), max_length=12, choices=MatterRoute.choices)
    suggestion = models.OneToOneField(
        Suggestion, on_delete=models.PROTECT, related_name="+", verbose_name=_("suggestion")
    )
    ledger_item = models.OneToOneField(
        LedgerItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hand-over"),
    )

    class Meta:
        verbose_name = _("matter raised")
        verbose_name_plural = _("matters raised")
        ordering = ["id"]

    def __str__(self):
        return str(self.suggestion)


class ManualCredit(CleanTextMixin, models.Model):
    """Points staff credit by hand for a manual duty item, with its evidence."""

    multiline_text_fields = ("evidence",)

    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="manual_credits", verbose_name=_("deputy")
    )
    item = models.ForeignKey(
        DutyItem, on_delete=models.PROTECT, related_name="credits", verbose_name=_("item")
    )
    date = models.DateField(_("date"))
    points = models.PositiveSmallIntegerField(_("points"))
    evidence = models.TextField(_("evidence"), max_length=2000)
    # A photo (re-encoded as JPEG, metadata stripped) or a PDF, checked by content in
    # ``services.credits``; served only through ``stations:credit_evidence`` (scope checked).
    evidence_file = models.FileField(
        _("evidence file"), upload_to="stations/evidence/%Y/%m/", max_length=200, blank=True
    )
    evidence_type = models.CharField(max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("manual credit")
        verbose_name_plural = _("manual credits")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.deputy} · {self.item} · {self.points}"


class DutyReminder(models.Model):
    """One reminder per deputy per duty day (idempotent under the daily beat run)."""

    duty_day = models.ForeignKey(DutyDay, on_delete=models.CASCADE, related_name="reminders")
    deputy = models.ForeignKey(Deputy, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("duty reminder")
        verbose_name_plural = _("duty reminders")
        constraints = [
            models.UniqueConstraint(fields=["duty_day", "deputy"], name="duty_reminder_once"),
        ]

    def __str__(self):
        return f"{self.deputy} · {self.duty_day}"
