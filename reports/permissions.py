"""Who may see dashboards and ask for reports. Reviewers read their county; staff their
township; the county's own staff (县人大常委会工作人员) their county congress's report;
superusers everything."""

from congress.permissions import get_scope, user_can_manage_county_congress

from .models import ReportKind


def user_can_view_county_dashboard(user, county) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or county.pk in scope.reviewer_counties


def user_can_view_township_dashboard(user, township) -> bool:
    scope = get_scope(user)
    return (
        scope.is_superuser
        or township.pk in scope.staff_townships
        or township.county_id in scope.reviewer_counties
    )


def user_can_request_township_report(user, township) -> bool:
    """Presidium staff of the township start a report by hand."""
    scope = get_scope(user)
    return scope.is_superuser or township.pk in scope.staff_townships


def user_can_request_county_report(user, county) -> bool:
    """The county roll-up is the reviewers' document: they may start it (it changes no data)."""
    return user_can_view_county_dashboard(user, county)


def user_can_request_county_congress_report(user, county) -> bool:
    """The county congress's own quarterly report: its staff ask for it (the congress
    reports on its own projects); reviewers read it."""
    return user_can_manage_county_congress(user, county)


def user_can_view_county_congress_reports(user, county) -> bool:
    """The county's staff, the reviewers of the county and of its prefecture."""
    scope = get_scope(user)
    return (
        scope.is_superuser
        or county.pk in scope.county_staff_counties
        or county.pk in scope.reviewer_counties
    )


def user_can_view_report(user, report) -> bool:
    scope = get_scope(user)
    if scope.is_superuser or report.county_id in scope.reviewer_counties:
        return True
    if report.kind == ReportKind.COUNTY_CONGRESS:
        return report.county_id in scope.county_staff_counties
    return report.township_id is not None and report.township_id in scope.staff_townships


# Who may ask for (and retry) a report of each kind, given its body.
REQUEST_PREDICATES = {
    ReportKind.TOWNSHIP: lambda user, report: user_can_request_township_report(
        user, report.township
    ),
    ReportKind.COUNTY: lambda user, report: user_can_request_county_report(user, report.county),
    ReportKind.COUNTY_CONGRESS: lambda user, report: user_can_request_county_congress_report(
        user, report.county
    ),
}


def user_can_retry_report(user, report) -> bool:
    return REQUEST_PREDICATES[report.kind](user, report)
