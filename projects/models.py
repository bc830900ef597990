"""Stages 1–2: the project reserve, annual plans and candidate lists.

The candidate list is the contract with ``voting``: a vote is set up from a *locked*
CandidateList and copies each candidate's ballot details (V4) onto itself, so later edits of a
project never change a ballot.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congress.models import Township, Village


class ProjectStatus(models.TextChoices):
    RESERVE = "reserve", _("In the reserve")
    SHORTLISTING = "shortlisting", _("Being shortlisted")
    CANDIDATE = "candidate", _("Candidate")
    ELECTED = "elected", _("Elected")
    IMPLEMENTING = "implementing", _("Being implemented")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Project(models.Model):
    """A project in the township's standing reserve (项目储备库). Projects stay across years;
    a candidate that is not elected returns to the reserve."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="projects", verbose_name=_("township")
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["township", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_investment__isnull=True) | Q(estimated_investment__gte=0),
                name="project_investment_not_negative",
            ),
        ]

    def __str__(self):
        return self.title


class AnnualPlan(models.Model):
    """The livelihood projects plan of a township for one year, with its number of slots
    (应选数量)."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="plans", verbose_name=_("township")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    slots = models.PositiveSmallIntegerField(_("number of slots"))

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="plan_unique_year"),
            models.CheckConstraint(condition=Q(slots__gte=1), name="plan_slots_positive"),
        ]

    def __str__(self):
        return _("%(township)s %(year)s livelihood projects") % {
            "township": self.township,
            "year": self.year,
        }


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
