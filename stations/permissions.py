"""Who may do what with stations and duty records.

- residents (no account): the station's public page, booking and cancelling with the code;
- a deputy: their own duty days, bookings and duty record (履职档案) only;
- staff: everything of their township's stations and deputies;
- a reviewer: their county's stations and records, read-only.
"""

from __future__ import annotations

from congress.permissions import get_scope, user_can_manage_township


def user_can_manage_stations(user, township) -> bool:
    return user_can_manage_township(user, township)


def user_can_view_stations(user, township) -> bool:
    """Staff of the township, the county's reviewers (read-only), superusers."""
    scope = get_scope(user)
    return (
        scope.is_superuser
        or township.pk in scope.staff_townships
        or township.county_id in scope.reviewer_counties
    )


def user_can_view_county_stations(user, county) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or county.pk in scope.reviewer_counties


def user_can_view_duty_record(user, deputy) -> bool:
    """A deputy sees only their own record; staff their township's; reviewers their county's."""
    scope = get_scope(user)
    return (
        scope.deputy_id == deputy.pk
        or scope.is_superuser
        or deputy.township_id in scope.staff_townships
        or deputy.township.county_id in scope.reviewer_counties
    )


def user_can_see_booking_contact(user, duty_day) -> bool:
    """A resident's name and phone: the township's staff and the deputies on that day."""
    scope = get_scope(user)
    if scope.is_superuser or duty_day.station.township_id in scope.staff_townships:
        return True
    return scope.deputy_id is not None and any(
        d.pk == scope.deputy_id for d in duty_day.deputies.all()
    )
