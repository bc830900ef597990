"""QR codes: a congress body's intake links and liaison stations, the sheet and posters.

A township's page is for its staff. A county congress's own page (issue 17, the same views
under ``/counties/<pk>/intake/``) is run by the county's staff and read by the county's (or
its prefecture's) reviewers; its links are the general county link, one per county deputy
and one per county-level liaison station."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.models import Township
from congress.permissions import get_scope

from .. import selectors, services
from ..forms import StationForm
from ..models import LiaisonStation, body_fields
from ..permissions import is_county, user_can_manage_body, user_can_view_body
from ..selectors.reserve import deputies_without_intake_link, general_intake_link
from ._base import _pdf_response, _render, body_view


def user_can_read_intake(user, body) -> bool:
    """A township's QR codes: its staff. A county congress's: its staff, and reviewers of
    the county (or of its prefecture) read them."""
    if user_can_manage_body(user, body):
        return True
    return is_county(body) and body.pk in get_scope(user).reviewer_counties


class CountyStationForm(forms.ModelForm):
    """A county-level liaison station (县级联络站): it sits in one of the county's townships
    and files the suggestions it receives into the county congress's intake."""

    site = forms.ModelChoiceField(
        label=gettext_lazy("township where it sits"), queryset=Township.objects.none()
    )

    class Meta:
        model = LiaisonStation
        fields = ["name", "address"]

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Township.objects.filter(county=county).order_by("code")
        self.order_fields(["name", "site", "address"])

    def validate_unique(self):
        # The station's township is the chosen site; the service checks the name there.
        pass


def _intake_url(body) -> str:
    name = "county_intake_codes" if is_county(body) else "intake_codes"
    return reverse(f"projects:{name}", args=[body.pk])


def _sheet_url(body) -> str:
    name = "county_intake_sheet" if is_county(body) else "intake_sheet"
    return reverse(f"projects:{name}", args=[body.pk])


def _station_form(data, body):
    if is_county(body):
        return CountyStationForm(data, county=body)
    return StationForm(data, township=body)


def _station_fields(form, body) -> dict:
    """The service's keywords: the body, and the form's fields (a county's adds ``site``)."""
    return {**body_fields(body), **form.cleaned_data}


@body_view(check=user_can_read_intake)
def intake_codes(request, body):
    can_manage = user_can_manage_body(request.user, body)
    station_form = _station_form(None, body) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "generate":
            created = services.intake_links_ensure(actor=request.user, **body_fields(body))
            messages.success(request, _("%(count)s QR codes created.") % {"count": created})
            return redirect(_intake_url(body))
        station_form = _station_form(request.POST, body)
        if station_form.is_valid():
            try:
                services.station_create(actor=request.user, **_station_fields(station_form, body))
            except ValidationError as exc:
                station_form.add_error(None, exc)
            else:
                messages.success(request, _("Liaison station added with its QR code."))
                return redirect(_intake_url(body))
    links = list(selectors.intake_links(body))
    for link in links:
        link.full_url = request.build_absolute_uri(link.get_absolute_url())
    general_missing = is_county(body) and general_intake_link(body) is None
    return _render(
        request,
        "projects/intake_codes.html",
        {
            "body": body,
            "links": links,
            "station_form": station_form,
            "can_manage": can_manage,
            "missing": deputies_without_intake_link(body).count(),
            "general_missing": general_missing,
            "sheet_url": _sheet_url(body),
        },
    )


def _qr_cards(request, links):
    from ..qr import qr_data_uri

    cards = []
    for link in links:
        url = request.build_absolute_uri(link.get_absolute_url())
        cards.append({"link": link, "url": url, "qr": qr_data_uri(url)})
    return cards


@body_view(check=user_can_read_intake)
def intake_sheet(request, body):
    from ..pdf import render_pdf

    cards = _qr_cards(request, selectors.intake_links(body).filter(is_active=True))
    pdf = render_pdf(
        "projects/pdf/intake_sheet.html",
        {"body": body, "is_county": is_county(body), "cards": cards},
        request=request,
    )
    suffix = "人大征集二维码" if is_county(body) else "代表二维码"
    return _pdf_response(pdf, f"{body.name}{suffix}.pdf")


@login_required
def intake_poster(request, token):
    from ..pdf import render_pdf

    link = selectors.intake_link_by_token(token)
    if link is None or not user_can_view_body(request.user, link.body):
        raise Http404
    if not user_can_read_intake(request.user, link.body):
        raise PermissionDenied
    card = _qr_cards(request, [link])[0]
    pdf = render_pdf(
        "projects/pdf/intake_poster.html",
        {"body": link.body, "is_county": link.is_county_body, "card": card},
        request=request,
    )
    return _pdf_response(pdf, f"{link}二维码海报.pdf")
