"""The hall's cast path (issue 16): a static ballot shell and two JSON endpoints whose only
authority is the ballot code in their body.

- ``GET /vote/``: the shell. The same bytes for everyone (rendered once per process from
  ``voting/ballot_shell.html``, both languages' strings inside), no session, no cookie,
  cacheable (ETag, ``Cache-Control: public``). ``static/voting/shell.js`` does the rest.
- ``POST /vote/open`` ``{"code", "lang"}``: which open vote the code belongs to, and that
  vote's ballot (candidates, rules, labels) — public content, memoised per vote and language
  while the vote is open.
- ``POST /vote/cast`` ``{"vote", "code", "marks", "lang"}``: ``services.ballot_cast`` — the
  marks checked and sealed in memory, then one SQL statement that checks the vote is open,
  burns the code and stores the sealed ballot. 201 with the tracker; 400 typo, malformed or
  too many 赞成; 409 unknown, used code or vote not open; 429 throttled; 503 database down.

No CSRF token: a request whose only authority is a secret in its own body gains nothing from
one (voting/README.md, the threat model). The endpoints still refuse a cross-origin
``Origin`` and anything but ``application/json`` (which a cross-site form cannot send).

The functions here take plain values and return ``(status, headers, body)``: the Django views
in ``voting/views/ballot.py`` and the WSGI front in ``livelihood/wsgi.py`` (which answers these
three paths before Django's middleware stack) both call them. Through the front a cast is
exactly one database round trip (and one Redis read, the guessed-code throttle).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import time
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, connections
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from . import throttle
from .kinds import kind_of
from .messages import REFUSALS, THROTTLED
from .models import VoteStatus

logger = logging.getLogger(__name__)

SHELL_PATH = "/vote/"
OPEN_PATH = "/vote/open"
CAST_PATH = "/vote/cast"
MAX_BODY = 16 * 1024
SHELL_MAX_AGE = 300  # seconds: a new release reaches phones within five minutes

UNAVAILABLE = gettext_lazy(
    "The ballot box is briefly unavailable. Your ballot was not cast: try again in a moment."
)
BAD_REQUEST = gettext_lazy("The request could not be read. Reload the page and try again.")
FOREIGN = gettext_lazy("This request did not come from the ballot page.")

Response = tuple[int, list[tuple[str, str]], bytes]


class Client:
    """What the throttle needs of a request (``livelihood.clientip`` reads ``META``)."""

    def __init__(self, meta) -> None:
        self.META = meta


# The guessed-code throttle (voting/throttle.py) lives in Redis, shared by every worker; asking
# it costs a round trip per request. A client is asked about only once this worker has seen it
# send an unknown code within the throttle's window: a hall typing its own codes correctly
# never is, and a guesser gets at most one unchecked guess per worker per window.
_SUSPECTS: dict[str, float] = {}


def _suspect(client: Client) -> bool:
    from livelihood.clientip import client_key

    until = _SUSPECTS.get(client_key(client))
    return until is not None and until > time.monotonic()


def _blocked(client: Client) -> bool:
    return _suspect(client) and throttle.blocked(client)


def _note(client: Client, reason: str) -> None:
    from livelihood.clientip import client_key

    throttle.note_refusal(client, reason)
    if reason in throttle.COUNTED:
        if len(_SUSPECTS) > 10_000:
            _SUSPECTS.clear()
        _SUSPECTS[client_key(client)] = time.monotonic() + throttle.WINDOW


# --- headers ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _csp() -> str:
    directives = getattr(settings, "CONTENT_SECURITY_POLICY", {}).get("DIRECTIVES", {})
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _security_headers() -> list[tuple[str, str]]:
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if _csp():
        headers.append(("Content-Security-Policy", _csp()))
    return headers


def _json(status: int, payload: dict, extra: list[tuple[str, str]] | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Cache-Control", "no-store"),
        *_security_headers(),
        *(extra or []),
    ]
    return status, headers, body


# --- the shell ----------------------------------------------------------------------------

SHELL_STRINGS = {
    # key: msgid (translated into every language of the site when the shell is built)
    "title": gettext_lazy("Secret ballot"),
    "language": gettext_lazy("Language"),
    "enter_code": gettext_lazy("Enter your ballot code"),
    "code_lead": gettext_lazy("Type the code printed on the slip you drew, or scan its QR code."),
    "code_label": gettext_lazy("Ballot code"),
    "code_help": gettext_lazy("For example ABCDE-FGH12-34567. Capital or small letters both work."),
    "open_ballot": gettext_lazy("Open my ballot"),
    "secret_note": gettext_lazy(
        "Your vote is secret: the code is not linked to your name, and nobody — not even the "
        "system's administrators — can see how you voted."
    ),
    "tell_scrutineer": gettext_lazy("If you did not cast it yourself, tell a scrutineer at once."),
    "no_mark": gettext_lazy("No mark (abstain)"),
    "location": gettext_lazy("location"),
    "investment": gettext_lazy("investment"),
    "deadline": gettext_lazy("deadline"),
    # "%(amount)s" is filled in by the script.
    "amount": gettext_lazy("%(amount)s × 10,000 yuan"),
    "approvals": gettext_lazy("For: %(count)s of at most %(limit)s"),
    "too_many": REFUSALS["too_many"],
    "review": gettext_lazy("Review my ballot"),
    "check_title": gettext_lazy("Check your ballot"),
    "cannot_change": gettext_lazy("Once cast, a ballot cannot be changed."),
    "blank_warning": gettext_lazy(
        "You have not marked any candidate. The ballot will count as returned with every "
        "candidate abstained."
    ),
    "cast": gettext_lazy("Cast my ballot"),
    "change": gettext_lazy("Change my marks"),
    "received": gettext_lazy("Your ballot has been received."),
    "thanks": gettext_lazy(
        "Thank you, your vote is complete. You may close this page; keep your code slip safe "
        "or hand it in as the staff ask."
    ),
    "tracker_title": gettext_lazy("Your ballot tracker"),
    "tracker_note": gettext_lazy(
        "Note it down if you wish. When the result is published, every tracker is listed, so "
        "you can check your ballot was counted. It does not show how you voted."
    ),
    "sealed_note": gettext_lazy(
        "Your ballot is sealed: only the scrutineers' keys together can open the box, at the count."
    ),
    "box_link": gettext_lazy("See the trackers in the box"),
    "not_cast": gettext_lazy("Not cast"),
    "already": gettext_lazy("Already cast"),
    "enter_another": gettext_lazy("Enter a code"),
    "network": gettext_lazy(
        "The ballot box could not be reached. Your ballot was not cast: check the network and "
        "try again."
    ),
    "unavailable": UNAVAILABLE,
    "throttled": THROTTLED,
}


def _strings(language: str) -> dict[str, str]:
    with translation.override(language):
        return {key: str(text) for key, text in SHELL_STRINGS.items()}


@lru_cache(maxsize=1)
def shell() -> tuple[bytes, str]:
    """The shell's bytes and their ETag, built once per process (it is the same for everyone:
    the language is chosen by the script, from the strings of every language it carries)."""
    languages = [code for code, _name in settings.LANGUAGES]
    strings = {code: _strings(code) for code in languages}
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "voting/ballot_shell.html",
            {
                "strings_json": strings,
                "t": strings[settings.LANGUAGE_CODE],
                "languages": settings.LANGUAGES,
                "default_language": settings.LANGUAGE_CODE,
                "open_url": OPEN_PATH,
                "cast_url": CAST_PATH,
                "fallback_url": reverse("voting:ballot"),
            },
        )
    body = html.encode()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@lru_cache(maxsize=1)
def _shell_gzip() -> bytes:
    return gzip.compress(shell()[0], compresslevel=9, mtime=0)


def shell_response(if_none_match: str = "", accept_encoding: str = "") -> Response:
    body, etag = shell()
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", f"public, max-age={SHELL_MAX_AGE}"),
        ("Vary", "Accept-Encoding"),
        *_security_headers(),
    ]
    if "gzip" in accept_encoding.lower():
        # 12 kB -> 4.5 kB over the hall's Wi-Fi; compressed once per process.
        body = _shell_gzip()
        headers += [("Content-Encoding", "gzip"), ("ETag", etag[:-1] + '-gz"')]
    else:
        headers.append(("ETag", etag))
    if if_none_match and dict(headers)["ETag"] in [t.strip() for t in if_none_match.split(",")]:
        return 304, headers, b""
    return 200, headers, body


# --- the JSON endpoints ----------------------------------------------------------------------


def _language(payload: dict) -> str:
    wanted = payload.get("lang")
    codes = [code for code, _name in settings.LANGUAGES]
    return wanted if wanted in codes else settings.LANGUAGE_CODE


def _same_origin(origin: str, host: str) -> bool:
    if not origin:
        return True  # not a browser's cross-site request (curl, the benchmark, an old phone)
    if origin in getattr(settings, "CSRF_TRUSTED_ORIGINS", ()):
        return True
    return urlsplit(origin).netloc.lower() == (host or "").lower()


def _read(body: bytes, content_type: str, origin: str, host: str):
    """The JSON object of a request, or the refusal to send back."""
    if not _same_origin(origin, host):
        return None, _json(403, {"refusal": "origin", "message": str(FOREIGN)})
    if content_type.split(";")[0].strip().lower() != "application/json":
        return None, _json(415, {"refusal": "bad_request", "message": str(BAD_REQUEST)})
    if len(body) > MAX_BODY:
        return None, _json(413, {"refusal": "bad_request", "message": str(BAD_REQUEST)})
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict) or not isinstance(payload.get("code", ""), str):
        return None, _json(400, {"refusal": "bad_request", "message": str(BAD_REQUEST)})
    return payload, None


# A refusal's HTTP status: the deputy's own mistake (400), or the code cannot cast (409).
_STATUS = {
    "typo": 400,
    "malformed": 400,
    "too_many": 400,
    "unknown": 409,
    "not_open": 409,
    "already_cast": 409,
}


def _refusal(reason: str, language: str, **extra) -> Response:
    with translation.override(language):
        message = str(REFUSALS[reason])
    return _json(_STATUS[reason], {"refusal": reason, "message": message, **extra})


def _throttled(language: str) -> Response:
    with translation.override(language):
        message = str(THROTTLED)
    return _json(
        429,
        {"refusal": "throttled", "message": message},
        [("Retry-After", str(throttle.WINDOW))],
    )


def _unavailable(language: str) -> Response:
    connection.close_if_unusable_or_obsolete()
    with translation.override(language):
        message = str(UNAVAILABLE)
    return _json(503, {"refusal": "unavailable", "message": message}, [("Retry-After", "2")])


_CONTENT: dict[tuple[int, str], dict] = {}


def ballot_content(vote_id: int, language: str) -> dict | None:
    """The ballot of an open vote as the shell draws it (public: what the paper ballot
    prints). Memoised per vote and language while the vote is open — nothing on it changes
    once the vote has opened."""
    key = (vote_id, language)
    if key in _CONTENT:
        return _CONTENT[key]
    from . import selectors

    vote = selectors.vote_with_details(vote_id)
    if vote is None:
        return None
    candidates = list(vote.candidates.all())
    kind = kind_of(vote)
    limit = kind.approval_limit_shown(len(candidates))
    with translation.override(language):
        content = {
            "vote": vote.pk,
            "title": vote.title,
            "kind": kind.code,
            "limit": limit,
            "intro": kind.ballot_intro(len(candidates)),
            "sealed": vote.is_sealed,
            "box_url": reverse("voting:sealed_box", args=[vote.pk]) if vote.is_sealed else "",
            "choices": [list(offered) for offered in kind.choices_offered()],
            "sub_items": list(kind.sub_items),
            "candidates": [
                {
                    "position": c.position,
                    "title": c.title,
                    "content": c.content,
                    "location": c.location,
                    "investment": None if c.investment is None else str(c.investment),
                    "deadline": c.deadline.strftime("%Y-%m") if c.deadline else "",
                    "evidence_html": (
                        render_to_string("voting/_evidence.html", {"evidence": c.evidence})
                        if kind.shows_evidence and c.evidence
                        else ""
                    ),
                }
                for c in candidates
            ],
        }
    if vote.status == VoteStatus.OPEN and not vote.paper_mode:
        if len(_CONTENT) > 512:
            _CONTENT.clear()
        _CONTENT[key] = content
    return content


def open_ballot(*, body: bytes, content_type: str, origin: str, host: str, meta) -> Response:
    """POST /vote/open: the code's vote and its ballot."""
    from .services.casting import BallotRefused, code_lookup

    payload, refused = _read(body, content_type, origin, host)
    if refused:
        return refused
    language = _language(payload)
    client = Client(meta)
    try:
        if _blocked(client):
            return _throttled(language)
        try:
            vote_id = code_lookup(typed=payload.get("code", ""))
        except BallotRefused as exc:
            _note(client, exc.reason)
            return _refusal(exc.reason, language)
        content = ballot_content(vote_id, language)
    except (OperationalError, InterfaceError):
        return _unavailable(language)
    if content is None:
        return _refusal("unknown", language)
    return _json(200, content)


def cast(*, body: bytes, content_type: str, origin: str, host: str, meta) -> Response:
    """POST /vote/cast: cast the marks with the code, exactly once."""
    from .services.casting import BallotRefused, ballot_cast

    payload, refused = _read(body, content_type, origin, host)
    if refused:
        return refused
    language = _language(payload)
    vote_id, marks = payload.get("vote"), payload.get("marks")
    if not isinstance(vote_id, int) or isinstance(vote_id, bool) or not isinstance(marks, str):
        return _json(400, {"refusal": "bad_request", "message": str(BAD_REQUEST)})
    client = Client(meta)
    try:
        if _blocked(client):
            return _throttled(language)
        try:
            receipt = ballot_cast(
                vote_id=vote_id, typed_code=payload.get("code", ""), choices=marks
            )
        except BallotRefused as exc:
            _note(client, exc.reason)
            return _refusal(exc.reason, language)
    except (OperationalError, InterfaceError):
        return _unavailable(language)
    return _json(201, {"cast": True, "tracker": receipt.tracker})


# --- the WSGI front ---------------------------------------------------------------------------

_REASONS = {
    200: "OK",
    201: "Created",
    304: "Not Modified",
    400: "Bad Request",
    403: "Forbidden",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def _body(environ) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return b""
    return environ["wsgi.input"].read(min(length, MAX_BODY + 1))


def _handle(environ) -> Response:
    path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
    if path == SHELL_PATH:
        if method not in ("GET", "HEAD"):
            return 405, [("Allow", "GET, HEAD")], b""
        return shell_response(
            environ.get("HTTP_IF_NONE_MATCH", ""), environ.get("HTTP_ACCEPT_ENCODING", "")
        )
    if method != "POST":
        return 405, [("Allow", "POST")], b""
    handler = open_ballot if path == OPEN_PATH else cast
    return handler(
        body=_body(environ),
        content_type=environ.get("CONTENT_TYPE", ""),
        origin=environ.get("HTTP_ORIGIN", ""),
        host=environ.get("HTTP_HOST", ""),
        meta=environ,
    )


def _release_connections() -> None:
    """What Django does at the end of a request (close a connection that had an error or
    outlived CONN_MAX_AGE), without re-arming CONN_HEALTH_CHECKS: a health check is one more
    round trip (``SELECT 1``) before the next request's first query, and this path's budget
    is one. A connection that died meanwhile makes the next statement fail instead, which is
    answered 503 (nothing was cast; the phone tries again) and closes it."""
    for conn in connections.all(initialized_only=True):
        conn.close_if_unusable_or_obsolete()
        if conn.connection is not None and not conn.errors_occurred:
            conn.health_check_done = True


def mount(django_app):
    """A WSGI application that answers the shell and the two JSON endpoints itself (no URL
    resolver, no middleware, no session, no CSRF machinery, no request signals) and hands
    every other request to Django."""
    paths = {SHELL_PATH, OPEN_PATH, CAST_PATH}

    def application(environ, start_response):
        if environ.get("PATH_INFO") not in paths:
            return django_app(environ, start_response)
        try:
            status, headers, body = _handle(environ)
        except Exception:  # noqa: BLE001 - answered as Django would, never with a traceback
            logger.exception("ballot fast path failed")
            status, headers, body = _json(500, {"refusal": "error"})
        finally:
            _release_connections()
        headers = [*headers, ("Content-Length", str(len(body)))]
        if environ.get("REQUEST_METHOD") == "HEAD":
            body = b""
        start_response(f"{status} {_REASONS.get(status, '')}", headers)
        return [body]

    return application
