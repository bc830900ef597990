"""Quarterly reports: one row per report, the source of truth for its state.

A report is produced by a Celery task (reports.tasks.generate_report) and lands here: status,
progress, the PDF file, the error shown to staff, who asked and when. Nothing is lost if Redis
restarts: a queued row can be queued again, a running row whose worker died is retried.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress.models import County, Township


class ReportKind(models.TextChoices):
    TOWNSHIP = "township", _("Township quarterly report")
    COUNTY = "county", _("County roll-up")
    # The county congress's own plan (县本级), project by project like a township report.
    COUNTY_CONGRESS = "congress", _("County congress quarterly report")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being produced")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE_STATUSES = (ReportStatus.QUEUED, ReportStatus.RUNNING)
# The list page of each county-level kind (keyed by the county).
LIST_URL_NAMES = {
    ReportKind.COUNTY: "reports:county_reports",
    ReportKind.COUNTY_CONGRESS: "reports:county_congress_reports",
}


class Report(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("township"),
    )
    # Always set: the township's county for a township report, so scope is one column.
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="reports", verbose_name=_("county")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    status = models.CharField(
        _("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), upload_to="reports/", blank=True, max_length=200)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["township", "-created_at"]),
            models.Index(fields=["county", "kind", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="report_quarter_range"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_range"),
            models.CheckConstraint(
                condition=Q(kind="township", township__isnull=False)
                | Q(kind__in=["county", "congress"], township__isnull=True),
                name="report_kind_matches_body",
            ),
            # At most one report of a body and quarter in flight: asking again while one is
            # queued or running returns that one. The kind is part of the key: a county's
            # roll-up and its congress's own report (both without a township) are two bodies.
            models.UniqueConstraint(
                fields=["kind", "county", "township", "year", "quarter"],
                condition=Q(status__in=["queued", "running"]),
                nulls_distinct=False,
                name="report_one_in_flight",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file=""), name="report_done_has_file"
            ),
        ]

    def __str__(self):
        body = self.township or self.county
        return _("%(body)s %(year)s Q%(quarter)s") % {
            "body": body,
            "year": self.year,
            "quarter": self.quarter,
        }

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.pk])

    def get_list_url(self):
        """The page listing this report with the others of its body and kind."""
        if self.kind == ReportKind.TOWNSHIP:
            return reverse("reports:township_reports", args=[self.township_id])
        name = LIST_URL_NAMES.get(self.kind, "reports:county_reports")
        return reverse(name, args=[self.county_id])

    @property
    def body_name(self) -> str:
        return self.township.name if self.township_id else self.county.name

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
