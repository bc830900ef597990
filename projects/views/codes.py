"""QR codes: the township's intake links and liaison stations, the sheet and posters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from congress.access import township_view
from congress.permissions import user_can_manage_township

from .. import selectors, services
from ..forms import StationForm
from ..permissions import user_can_view_reserve
from ._base import _pdf_response, _render


@township_view(manage=True)
def intake_codes(request, township):
    station_form = StationForm(None, township=township)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "generate":
            created = services.intake_links_ensure(actor=request.user, township=township)
            messages.success(request, _("%(count)s QR codes created.") % {"count": created})
            return redirect("projects:intake_codes", pk=township.pk)
        station_form = StationForm(request.POST, township=township)
        if station_form.is_valid():
            try:
                services.station_create(
                    actor=request.user, township=township, **station_form.cleaned_data
                )
            except ValidationError as exc:
                station_form.add_error(None, exc)
            else:
                messages.success(request, _("Liaison station added with its QR code."))
                return redirect("projects:intake_codes", pk=township.pk)
    links = list(selectors.intake_links(township))
    for link in links:
        link.full_url = request.build_absolute_uri(link.get_absolute_url())
    return _render(
        request,
        "projects/intake_codes.html",
        {
            "township": township,
            "links": links,
            "station_form": station_form,
            "missing": township.deputies.filter(in_office=True, intake_link__isnull=True).count(),
        },
    )


def _qr_cards(request, links):
    from ..qr import qr_data_uri

    cards = []
    for link in links:
        url = request.build_absolute_uri(link.get_absolute_url())
        cards.append({"link": link, "url": url, "qr": qr_data_uri(url)})
    return cards


@township_view(manage=True)
def intake_sheet(request, township):
    from ..pdf import render_pdf

    cards = _qr_cards(request, selectors.intake_links(township).filter(is_active=True))
    pdf = render_pdf(
        "projects/pdf/intake_sheet.html", {"township": township, "cards": cards}, request=request
    )
    return _pdf_response(pdf, f"{township.name}代表二维码.pdf")


@login_required
def intake_poster(request, token):
    from ..pdf import render_pdf

    link = selectors.intake_link_by_token(token)
    if link is None or not user_can_view_reserve(request.user, link.township):
        raise Http404
    if not user_can_manage_township(request.user, link.township):
        raise PermissionDenied
    card = _qr_cards(request, [link])[0]
    pdf = render_pdf(
        "projects/pdf/intake_poster.html",
        {"township": link.township, "card": card},
        request=request,
    )
    return _pdf_response(pdf, f"{link}二维码海报.pdf")
