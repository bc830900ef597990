from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import get_scope


def navigation(request):
    """Navigation entries by role. Built from the scope; no queries beyond the scope's own."""
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        scope = get_scope(user)
        items.append((_("Home"), reverse("home")))
        if scope.is_superuser or scope.any_township_role or scope.is_reviewer:
            items.append((_("Townships"), reverse("congress:township_list")))
        if scope.any_county_role:  # the county's own congress staff and officers
            items.append(
                (
                    _("County congress"),
                    reverse("congress:county_congress", args=[min(scope.any_county_role)]),
                )
            )
        projects_entry = _projects_entry(scope)
        if projects_entry:
            items.append((_("Suggestions and projects"), projects_entry))
        supervision_entry = _supervision_entry(scope)
        if supervision_entry:
            items.append((_("Supervision"), supervision_entry))
        items.append((_("Notifications"), reverse("supervision:notifications")))
        # reports: dashboards for reviewers and staff, quarterly reports for staff
        if scope.is_reviewer or scope.staff_townships or scope.is_superuser:
            items.append((_("Dashboard"), reverse("reports:dashboard_home")))
        if scope.staff_townships:
            items.append(
                (
                    _("Quarterly reports"),
                    reverse("reports:township_reports", args=[min(scope.staff_townships)]),
                )
            )
        if scope.is_superuser:
            items.append((_("Administration"), reverse("admin:index")))
        items.append((_("API"), reverse("api:docs")))
    return {"nav_items": items}


def _projects_entry(scope) -> str | None:
    """Stages 1–2 (projects app): staff land on their suggestions, others on the reserve."""
    if scope.staff_townships:
        return reverse("projects:suggestion_list", args=[min(scope.staff_townships)])
    township_ids = set(scope.any_township_role)
    if scope.deputy_township_id:
        township_ids.add(scope.deputy_township_id)
    if township_ids:
        return reverse("projects:project_list", args=[min(township_ids)])
    if scope.reviewer_counties:
        from .models import Township

        first = (
            Township.objects.filter(county_id__in=scope.reviewer_counties)
            .order_by("code")
            .values_list("pk", flat=True)
            .first()
        )
        if first:
            return reverse("projects:plan_list", args=[first])
    return None


def _supervision_entry(scope) -> str | None:
    """Stage 4 (supervision app): deputies land on their groups, township roles on the
    township's supervision overview; reviewers reach it through the township pages."""
    if scope.is_deputy and not scope.any_township_role:
        return reverse("supervision:my")
    if scope.any_township_role:
        return reverse("supervision:overview", args=[min(scope.any_township_role)])
    return None
