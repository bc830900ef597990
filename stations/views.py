"""Pages of the stations app. Public: a station's page, 代表有约 booking, the receipt and
cancelling. Deputies: their duty days, bookings and own record. Staff: stations, calendar,
swaps, receptions, manual credits, points. Reviewers: read-only, plus the county panel."""

from __future__ import annotations

import datetime
from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress import selectors as congress_selectors
from congress.models import County, Deputy
from congress.permissions import get_scope
from congress.views import township_view
from livelihood.downloads import protected_file
from projects.ratelimit import hit

from . import domain, selectors, services
from .forms import (
    BookingForm,
    CodeForm,
    CreditForm,
    DutyItemForm,
    MatterFormSet,
    PlanForm,
    ProfileForm,
    ReceptionForm,
    StationRulesForm,
    SwapForm,
)
from .models import DutyDay, ManualCredit
from .permissions import (
    user_can_manage_stations,
    user_can_see_booking_contact,
    user_can_view_county_stations,
    user_can_view_duty_record,
    user_can_view_stations,
)
from .services._base import duty_start, refusal


def _apply(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _station_or_404(request, pk, *, manage=False):
    station = selectors.station_for_user(request.user, pk)
    if station is None:
        raise Http404
    if manage and not user_can_manage_stations(request.user, station.township):
        raise PermissionDenied
    return station


def station_scope(manage=False):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            return view(request, _station_or_404(request, pk, manage=manage), *args, **kwargs)

        return wrapper

    return decorator


# --- Public -------------------------------------------------------------------------------


def station_public(request, pk):
    """A station's public page (reached from its QR poster): level, address, hours, its
    deputies and who is on duty when, with 代表有约."""
    station = selectors.station_public(pk)
    if station is None:
        raise Http404
    today = timezone.localdate()
    now = timezone.now()
    days = list(selectors.upcoming_duty(station, today=today))
    for day in days:
        day.bookable = domain.can_book(duty_start=duty_start(day), now=now, published=True)
    profile = getattr(station, "profile", None)
    return render(
        request,
        "stations/station_public.html",
        {
            "station": station,
            "profile": profile,
            "days": days,
            "intake_url": selectors.intake_url_of(station),
        },
    )


@station_scope(manage=True)
def station_poster(request, station):
    """The station's printable poster (A4 PDF, in Chinese like every printed sheet): its QR
    code to the station's public page (who is on duty when, 代表有约, and the intake form),
    the name, address, hours and the coming reception days."""
    from projects.pdf import render_pdf
    from projects.qr import qr_data_uri

    station = selectors.station_public(station.pk)
    url = request.build_absolute_uri(reverse("stations:station_public", args=[station.pk]))
    days = list(selectors.upcoming_duty(station, today=timezone.localdate(), limit=6))
    with translation.override("zh-hans"):
        pdf = render_pdf(
            "stations/pdf/poster.html",
            {
                "station": station,
                "profile": getattr(station, "profile", None),
                "days": days,
                "url": url,
                "qr": qr_data_uri(url),
            },
            request=request,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(station.name + '海报.pdf')}"
    return response


@require_http_methods(["GET", "POST"])
def booking_create(request, pk):
    day = get_object_or_404(
        DutyDay.objects.select_related("station").prefetch_related("deputies"),
        pk=pk,
        published=True,
    )
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not hit(request, scope="station-booking", limit=5, window=3600):
            form.add_error(None, _("Too many appointments from this device; try again later."))
        else:
            try:
                booking = services.booking_create(duty_day=day, **form.cleaned_data)
            except ValidationError as exc:
                _apply(form, exc)
            else:
                request.session["station_booking"] = booking.code
                return redirect("stations:booking_done")
    return render(request, "stations/booking_form.html", {"day": day, "form": form})


def booking_done(request):
    """The receipt page right after booking (the code is kept in the session, never in a
    URL)."""
    code = request.session.get("station_booking")
    booking = services.booking_by_code(code) if code else None
    if booking is None:
        return redirect("stations:booking_lookup")
    return render(request, "stations/booking_done.html", {"booking": booking})


@require_http_methods(["GET", "POST"])
def booking_lookup(request):
    """Look an appointment up by its receipt code (POST body) and cancel it."""
    form = CodeForm(request.POST or None)
    booking = None
    if request.method == "POST" and form.is_valid():
        if not hit(request, scope="station-lookup", limit=20, window=600):
            form.add_error(None, _("Too many attempts; try again later."))
        else:
            code = form.cleaned_data["code"]
            if request.POST.get("cancel"):
                try:
                    booking = services.booking_cancel(code=code)
                except ValidationError as exc:
                    _apply(form, exc)
                else:
                    messages.success(request, _("Your appointment is cancelled."))
            booking = booking or services.booking_by_code(code)
            if booking is None and not form.errors:
                form.add_error("code", _("No appointment has this receipt code."))
    can_cancel = bool(
        booking
        and domain.can_cancel(
            status=booking.status, duty_start=duty_start(booking.duty_day), now=timezone.now()
        )
    )
    return render(
        request,
        "stations/booking_lookup.html",
        {"form": form, "booking": booking, "can_cancel": can_cancel},
    )


# --- Deputies -----------------------------------------------------------------------------


@login_required
def my_stations(request):
    """A deputy's phone page: coming duty days with the residents who booked, and the
    points so far this year."""
    scope = get_scope(request.user)
    if scope.deputy_id is None:
        raise PermissionDenied
    deputy = Deputy.objects.select_related("township").get(pk=scope.deputy_id)
    today = timezone.localdate()
    record = selectors.duty_record(deputy, year=today.year, as_of=today)
    return render(
        request,
        "stations/my.html",
        {
            "deputy": deputy,
            "days": selectors.my_duty_days(deputy.pk, today=today),
            "record": record,
        },
    )


def _deputy_for_record(request, pk) -> Deputy:
    deputy = get_object_or_404(Deputy.objects.select_related("township__county"), pk=pk)
    if not user_can_view_duty_record(request.user, deputy):
        raise Http404
    return deputy


@login_required
def deputy_record(request, pk):
    deputy = _deputy_for_record(request, pk)
    year = _year(request)
    today = timezone.localdate()
    record = selectors.duty_record(deputy, year=year, as_of=today)
    return render(
        request,
        "stations/deputy_record.html",
        {"deputy": deputy, "record": record, "year": year},
    )


@login_required
def deputy_record_pdf(request, pk, year):
    from .pdf import duty_record_pdf

    deputy = _deputy_for_record(request, pk)
    record = selectors.duty_record(deputy, year=year, as_of=timezone.localdate())
    response = HttpResponse(duty_record_pdf(record), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="duty-record-{deputy.pk}-{year}.pdf"'
    return response


# --- Staff and reviewers ------------------------------------------------------------------


@township_view(check=user_can_view_stations)
def township_stations(request, township):
    year = _year(request)
    return render(
        request,
        "stations/township_stations.html",
        {
            "township": township,
            "stations": selectors.stations_of(township),
            "receptions": selectors.receptions_of(township, year=year)[:30],
            "year": year,
            "can_manage": user_can_manage_stations(request.user, township),
        },
    )


@station_scope(manage=True)
@require_http_methods(["GET", "POST"])
def station_edit(request, station):
    profile = getattr(station, "profile", None)
    initial = {"address": station.address}
    if profile is not None:
        initial.update(
            level=profile.level,
            online=profile.online,
            opening_hours=profile.opening_hours,
            deputies=list(profile.deputies.all()),
        )
    form = ProfileForm(request.POST or None, township=station.township, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.station_profile_set(
                actor=request.user,
                station=station,
                level=data["level"],
                online=data["online"],
                address=data["address"],
                opening_hours=data["opening_hours"],
                deputies=list(data["deputies"]),
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Station saved."))
            return redirect("stations:calendar", station.pk)
    return render(request, "stations/station_edit.html", {"station": station, "form": form})


@station_scope()
@require_http_methods(["GET", "POST"])
def calendar(request, station):
    """The station's reception calendar for a year: plan (a repeat pattern), publish."""
    can_manage = user_can_manage_stations(request.user, station.township)
    year = _year(request)
    form = PlanForm(
        request.POST if request.method == "POST" and "plan" in request.POST else None,
        initial={"year": year + (1 if timezone.localdate().month >= 10 else 0), "per_day": 2},
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if "publish" in request.POST:
            n = services.calendar_publish(actor=request.user, station=station, year=year)
            messages.success(request, _("%(n)s reception days published.") % {"n": n})
            return redirect(f"{reverse('stations:calendar', args=[station.pk])}?year={year}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                dates = domain.monthly_dates(data["year"], weekday=data["weekday"], nth=data["nth"])
                dates = [d for d in dates if d >= timezone.localdate()]
                created = services.calendar_plan(
                    actor=request.user,
                    station=station,
                    dates=dates,
                    start=data["start"],
                    end=data["end"],
                    per_day=data["per_day"],
                )
            except domain.StationRuleError as exc:
                _apply(form, refusal(exc))
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("%(n)s reception days planned.") % {"n": len(created)})
                return redirect(
                    f"{reverse('stations:calendar', args=[station.pk])}?year={data['year']}"
                )
    days = list(selectors.station_calendar(station, year=year))
    return render(
        request,
        "stations/calendar.html",
        {
            "station": station,
            "days": days,
            "year": year,
            "form": form,
            "can_manage": can_manage,
            "unpublished": sum(1 for d in days if not d.published),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def duty_day(request, pk):
    day = selectors.duty_day_for_user(request.user, pk)
    if day is None:
        raise Http404
    can_manage = user_can_manage_stations(request.user, day.station.township)
    form = SwapForm(request.POST or None, duty_day=day)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.duty_swap(actor=request.user, duty_day=day, **form.cleaned_data)
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("The swap is recorded."))
                return redirect("stations:duty_day", day.pk)
    return render(
        request,
        "stations/duty_day.html",
        {
            "day": day,
            "form": form,
            "can_manage": can_manage,
            "show_contact": user_can_see_booking_contact(request.user, day),
            "swaps": day.swaps.select_related("from_deputy", "to_deputy"),
        },
    )


@station_scope(manage=True)
@require_http_methods(["GET", "POST"])
def reception_create(request, station):
    township = station.township
    day = None
    raw_day = request.GET.get("duty") or request.POST.get("duty")
    if raw_day and str(raw_day).isdigit():
        day = DutyDay.objects.filter(pk=raw_day, station=station).first()
    initial = {"date": day.date if day else timezone.localdate()}
    if day is not None:
        initial["deputies"] = list(day.deputies.all())
    form = ReceptionForm(request.POST or None, township=township, initial=initial)
    matters = MatterFormSet(
        request.POST or None, prefix="matter", form_kwargs={"township": township}
    )
    bookings = list(day.bookings.filter(status="booked")) if day else []
    if request.method == "POST" and form.is_valid() and matters.is_valid():
        data = form.cleaned_data
        chosen = {int(i) for i in request.POST.getlist("booking") if i.isdigit()}
        rows = [
            services.Matter(
                title=m["title"],
                content=m["content"] or m["title"],
                route=m["route"],
                project=m.get("project"),
                department=m.get("department", ""),
                deadline=m.get("deadline"),
            )
            for m in matters.cleaned_data
            if m.get("title")
        ]
        try:
            reception = services.reception_record(
                actor=request.user,
                station=station,
                date=data["date"],
                kind=data["kind"],
                deputies=list(data["deputies"]),
                residents=data["residents"],
                visitor=data["visitor"],
                notes=data["notes"],
                duty_day=day,
                bookings=[b for b in bookings if b.pk in chosen],
                matters=rows,
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("The reception is recorded."))
            return redirect(reception.get_absolute_url())
    return render(
        request,
        "stations/reception_form.html",
        {
            "station": station,
            "form": form,
            "matters": matters,
            "day": day,
            "bookings": bookings,
        },
    )


@login_required
def reception_detail(request, pk):
    reception = selectors.reception_for_user(request.user, pk)
    if reception is None:
        raise Http404
    return render(request, "stations/reception_detail.html", {"reception": reception})


@township_view(check=user_can_view_stations)
def township_records(request, township):
    """The township's duty records for the appraisal (评比), with the frequency flags."""
    year = _year(request)
    today = timezone.localdate()
    return render(
        request,
        "stations/township_records.html",
        {
            "township": township,
            "year": year,
            "records": selectors.township_overview(township, year=year, as_of=today),
            "rules": selectors.rules_for(township),
            "can_manage": user_can_manage_stations(request.user, township),
            "auto_codes": list(domain.AUTO_ITEMS),
        },
    )


@township_view(manage=True)
@require_http_methods(["GET", "POST"])
def credit_create(request, township):
    items = selectors.manual_items(township)
    form = CreditForm(request.POST or None, request.FILES or None, township=township, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            services.manual_credit_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("The credit is recorded."))
            return redirect("stations:township_records", township.pk)
    return render(
        request,
        "stations/credit_form.html",
        {"township": township, "form": form, "has_items": items.exists()},
    )


@login_required
def credit_evidence(request, pk):
    """A manual credit's evidence file, to whoever may see the deputy's record."""
    credit = get_object_or_404(ManualCredit.objects.select_related("deputy__township"), pk=pk)
    if not credit.evidence_file or not user_can_view_duty_record(request.user, credit.deputy):
        raise Http404
    extension = "pdf" if credit.evidence_type == "application/pdf" else "jpg"
    return protected_file(
        credit.evidence_file.name,
        content_type=credit.evidence_type or "application/octet-stream",
        filename=f"evidence-{credit.pk}.{extension}",
    )


@township_view(manage=True)
@require_http_methods(["GET", "POST"])
def duty_items(request, township):
    """The township's points per item (automatic items' points; manual items)."""
    form = DutyItemForm(request.POST or None)
    if request.method == "POST":
        if "min_duty_days" in request.POST:
            rules_form = StationRulesForm(request.POST)
            if rules_form.is_valid():
                services.station_rules_set(
                    actor=request.user,
                    township=township,
                    min_duty_days=rules_form.cleaned_data["min_duty_days"],
                )
                messages.success(request, _("Saved."))
                return redirect("stations:duty_items", township.pk)
            for error in rules_form.errors.get("min_duty_days", []):
                messages.error(request, error)
        elif form.is_valid():
            try:
                services.duty_item_set(actor=request.user, township=township, **form.cleaned_data)
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("stations:duty_items", township.pk)
    return render(
        request,
        "stations/duty_items.html",
        {
            "township": township,
            "form": form,
            "points": selectors.points_for(township),
            "manual": selectors.manual_items(township),
            "rules": selectors.rules_for(township),
        },
    )


@login_required
def county_activity(request, pk):
    """The county reviewer's view of station activity per township."""
    county = get_object_or_404(County, pk=pk)
    if not user_can_view_county_stations(request.user, county):
        scope = get_scope(request.user)
        visible = congress_selectors.townships_visible_to(request.user).filter(county=county)
        if scope.is_reviewer or not visible.exists():
            raise Http404
        raise PermissionDenied
    year = _year(request)
    date_from = datetime.date(year, 1, 1)
    date_to = min(timezone.localdate(), datetime.date(year, 12, 31))
    return render(
        request,
        "stations/county_activity.html",
        {
            "county": county,
            "year": year,
            "date_from": date_from,
            "date_to": date_to,
            "station_activity": selectors.activity_by_township(county, date_from, date_to),
        },
    )
