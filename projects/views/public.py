"""Public pages: the QR form, the receipt, the lookup. No account needed."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import domain, ratelimit, selectors, services
from ..forms import PublicSuggestionForm, ReceiptLookupForm
from ..models import SuggestionStatus
from ._base import _render

# Abuse control for the public form (no outside services): per-address limits in the cache,
# a honeypot field, and a cap on the request size.
# Settings PROJECTS_SUBMIT_LIMIT / PROJECTS_LOOKUP_LIMIT override (count, seconds).
SUBMIT_LIMIT = (5, 600)  # 5 suggestions per address per 10 minutes
LOOKUP_LIMIT = (30, 60)  # 30 receipt lookups per address per minute
MAX_PUBLIC_BODY = 32 * 1024
# The receipt codes a browser sent, newest first, kept in its session so a resident finds
# them again on the lookup page. Only codes: no suggestion text or personal data.
RECEIPTS_SESSION_KEY = "receipts"
RECEIPTS_REMEMBERED = 20


def _limits(name):
    return getattr(settings, name, SUBMIT_LIMIT if "SUBMIT" in name else LOOKUP_LIMIT)


def _refused(request, message: str, status: int):
    return _render(request, "projects/public_refused.html", {"message": message}, status=status)


def intake(request, token):
    """The public suggestion form behind a deputy's or liaison station's QR code, or a
    county congress's general one; the link's body (a township or a county) receives it."""
    link = selectors.intake_link_by_token(token)
    if link is None:
        raise Http404
    form = PublicSuggestionForm(request.POST or None, township=link.body)
    if request.method == "POST":
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > MAX_PUBLIC_BODY:
            return _refused(request, _("The suggestion is too long. Please shorten it."), 413)
        limit, window = _limits("PROJECTS_SUBMIT_LIMIT")
        if not ratelimit.hit(request, scope="submit", limit=limit, window=window):
            return _refused(
                request,
                _(
                    "Too many suggestions from this network in a short time. Please wait ten "
                    "minutes and try again, or hand your suggestion to a deputy."
                ),
                429,
            )
        if form.is_robot():
            return _refused(
                request,
                _("The form could not be accepted. Please reload the page and fill it in again."),
                400,
            )
        if form.is_valid():
            try:
                suggestion = services.suggestion_submit_public(link=link, **form.service_fields())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                _remember_receipt(request, suggestion.receipt_code)
                url = reverse("projects:receipt_detail", args=[suggestion.receipt_code])
                return redirect(f"{url}?new=1")
    return _render(
        request,
        "projects/intake_form.html",
        {"form": form, "link": link, "body": link.body},
        status=400 if form.errors else 200,
    )


def _remember_receipt(request, code: str) -> None:
    codes = [c for c in _remembered_receipts(request) if c != code]
    request.session[RECEIPTS_SESSION_KEY] = [code, *codes][:RECEIPTS_REMEMBERED]


def _remembered_receipts(request) -> list[str]:
    codes = request.session.get(RECEIPTS_SESSION_KEY)
    if not isinstance(codes, list):
        return []
    return [c for c in codes if isinstance(c, str)][:RECEIPTS_REMEMBERED]


def _render_lookup(request, context, status=None):
    context["sent_here"] = selectors.suggestions_by_receipts(_remembered_receipts(request))
    return _render(request, "projects/receipt_lookup.html", context, status=status)


def receipt_lookup(request):
    form = ReceiptLookupForm(request.GET or None)
    if form.is_valid():
        code = domain.normalize_receipt_code(form.cleaned_data["code"])
        if code is None:
            form.add_error(
                "code",
                _("This is not a receipt code. Check the characters; it looks like 7KQM-2XDA-9PZ."),
            )
        else:
            return redirect("projects:receipt_detail", code=code)
    return _render_lookup(request, {"form": form})


def receipt_detail(request, code):
    """Status, reply and the project's lineage; never anyone's personal data."""
    limit, window = _limits("PROJECTS_LOOKUP_LIMIT")
    if not ratelimit.hit(request, scope="lookup", limit=limit, window=window):
        return _refused(request, _("Too many lookups. Please wait a minute and try again."), 429)
    suggestion = selectors.suggestion_by_receipt(code)
    if suggestion is None:
        form = ReceiptLookupForm(initial={"code": code})
        return _render_lookup(request, {"form": form, "not_found": True}, status=404)
    lineage = None
    referral = None
    if suggestion.status == SuggestionStatus.REFERRED:
        # Referred to the county (转县级): the county's decision and project are the story now.
        referral = selectors.suggestion_referral(suggestion)
    followed = referral or suggestion
    if followed.project_id:
        lineage = selectors.project_lineage(followed.project)
    return _render(
        request,
        "projects/receipt_detail.html",
        {
            "suggestion": suggestion,
            "referral": referral,
            "lineage": lineage,
            "is_new": request.GET.get("new") == "1",
        },
    )
