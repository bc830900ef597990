"""Who may see dashboards and ask for reports. Reviewers read their county; staff their
township; superusers everything."""

from congress.permissions import get_scope


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


def user_can_view_report(user, report) -> bool:
    scope = get_scope(user)
    if scope.is_superuser or report.county_id in scope.reviewer_counties:
        return True
    return report.township_id is not None and report.township_id in scope.staff_townships


def user_can_retry_report(user, report) -> bool:
    if report.township_id is not None:
        return user_can_request_township_report(user, report.township)
    return user_can_request_county_report(user, report.county)
