"""The printed documents of a vote: ballot-code slips, the paper ballot, the tally certificate
(计票结果报告单) and the presidium notice (主席团公告). For a satisfaction evaluation
(``voting.kinds.SatisfactionEvaluation``) the certificate and the notice print its grades and
rates: each kind of ballot has its own two documents (``CERTIFICATES`` and ``NOTICES``).

Pure rendering: each function reads a vote (and its result) and returns PDF bytes. Nothing is
written to the database, the disk or a log, and no document carries anything that could link a
deputy to a ballot:

- code slips print no sequence number (a number could link a code to the order of hand-out),
  and the QR code carries the ballot code in the URL *fragment*, which browsers never send to
  the server, so it cannot reach a web-server or proxy log;
- every paper ballot of a vote is the same sheet: no serial number.

The PDF of code slips holds live credentials: callers stream it to the printer or the user and
never store it.

The documents are official Chinese texts, so they are rendered in Simplified Chinese whatever
language the requesting user has chosen. WeasyPrint draws them with the Noto CJK fonts
(Debian ``fonts-noto-cjk``); nothing is fetched from the network.
"""

from __future__ import annotations

import base64
import subprocess
import urllib.parse
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from email.message import EmailMessage
from functools import lru_cache

import pydyf
import weasyprint
import weasyprint.urls
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from voting import domain, qr
from voting.kinds import ProjectVote, SatisfactionEvaluation, kind_of

SLIP_COLUMNS = 2
SLIP_ROWS = 5
SLIPS_PER_PAGE = SLIP_COLUMNS * SLIP_ROWS
SLIP_WIDTH_MM, SLIP_HEIGHT_MM = 95, 55


def _cut_lines() -> str:
    """The dashed cut lines of a sheet of slips, as one SVG for the sheet's background (a
    data: URI). WeasyPrint draws a dashed CSS border dash by dash, about 1,300 rectangles a
    sheet, which took a third of the time of writing 400 slips; an SVG line's dashes are one
    PDF operator."""
    width, height = SLIP_COLUMNS * SLIP_WIDTH_MM, SLIP_ROWS * SLIP_HEIGHT_MM
    lines = [f'<path d="M{x} 0V{height}"/>' for x in range(0, width + 1, SLIP_WIDTH_MM)]
    lines += [f'<path d="M0 {y}H{width}"/>' for y in range(0, height + 1, SLIP_HEIGHT_MM)]
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" '
        f'viewBox="0 0 {width} {height}"><g fill="none" stroke="#444" stroke-width="0.25" '
        f'stroke-dasharray="1.2 0.9">{"".join(lines)}</g></svg>'
    )
    return "data:image/svg+xml," + urllib.parse.quote(svg)


CUT_LINES = _cut_lines()

# Paper ballots: landscape, so that the 主要内容 column has room; A3 scales the type up.
PAPER_SIZES = {
    "A4": {"page": "A4 landscape", "font_pt": 9.5},
    "A3": {"page": "A3 landscape", "font_pt": 13.5},
}

MODE_LABELS = {
    domain.COMPETITIVE: "差额票决",
    domain.EQUAL: "等额票决",
    domain.ITEMIZED: "逐项票决",
}
VOID_REASONS = {
    "no_quorum": "实到代表未达到法定人数",
    "more_returned": "收回表决票多于发出表决票",
}
# A satisfaction evaluation's papers are 测评票, on every document about it.
EVALUATION_VOID_REASONS = {**VOID_REASONS, "more_returned": "收回测评票多于发出测评票"}
PASS_BASE_LABELS = {"in_office": "全体代表", "due": "应到代表", "present": "实到代表"}
ROLE_LABELS = {"chief": "总监票人", "scrutineer": "监票人", "teller": "计票人"}
GRADE_LABELS = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}
# The evaluation's grade base (E2): its name on the certificate and its unit.
GRADE_BASE_LABELS = {
    "returned": ("收回测评票", "张"),
    "valid": ("有效票", "张"),
    "present": ("实到代表", "名"),
    "in_office": ("全体代表", "名"),
}


# ---------------------------------------------------------------------------------------------
# Small formatting helpers (pure)


def cn_date(value: date | None) -> str:
    """2026年12月20日"""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def cn_month(value: date | None) -> str:
    """2027年6月"""
    return f"{value.year}年{value.month}月" if value else ""


_DIGITS = "〇一二三四五六七八九"


def cn_number(n: int) -> str:
    """Chinese numerals for the 届 and 次 of a formal heading: 3 → 三, 19 → 十九, 105 → 一百零五."""
    if n < 0 or n > 999:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = _DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _DIGITS[rest]
    if rest < 20:
        return head + "一" + cn_number(rest)
    return head + cn_number(rest)


def money(value: Decimal | None) -> str:
    """Investment in 万元 without trailing zeros: 120.00 → 120, 35.50 → 35.5."""
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def digest_groups(digest: str, size: int = 8) -> list[str]:
    return [digest[i : i + size] for i in range(0, len(digest), size)]


def slip_payload(ballot_url: str, code: str) -> str:
    """What a slip's QR code encodes: the ballot page with the code in the fragment, which
    the browser keeps to itself (never in the path or the query, which servers log)."""
    if "#" in ballot_url:
        raise ValueError("ballot_url must not carry a fragment of its own")
    return f"{ballot_url}#{code}"


QR_QUIET_ZONE = qr.QUIET_ZONE


def qr_image(payload: str) -> SafeString:
    """An ``<img>`` of the QR code (error correction M, with its quiet zone): a grayscale PNG
    with one pixel per module, as a data: URI, drawn unsmoothed (``image-rendering:
    pixelated``) so the modules stay sharp at any size. WeasyPrint lays out 400 of these
    several times faster than inline SVG paths, and writes them faster than vector QR codes."""
    return mark_safe(f'<img class="qr" alt="" src="{qr.qr_png_data_uri(payload)}">')  # noqa: S308


def pdf_text(data: bytes) -> str:
    """The text of a PDF as poppler's ``pdftotext`` extracts it (tests and checks)."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


# ---------------------------------------------------------------------------------------------
# Facts about a vote that several documents print


def body_name(term) -> str:
    """The congress's place: the township, or the county for a county congress."""
    return term.township.name if term.township_id else term.county.name


def plan_year(vote) -> int:
    if vote.plan_id:  # an evaluation: the year of the plan it evaluates
        return vote.plan.year
    if vote.candidate_list_id:
        return vote.candidate_list.plan.year
    return vote.session.date.year


def session_heading(vote) -> str:
    """青石镇第十九届人民代表大会第三次会议"""
    session = vote.session
    term = session.term
    return (
        f"{body_name(term)}第{cn_number(term.number)}届人民代表大会"
        f"第{cn_number(session.number)}次会议"
    )


def _session_label(vote) -> str:
    """The session as the app names it (青石镇第19届（2021–2026）第3次会议), in Chinese even when
    the user reads the site in English."""
    with translation.override("zh-hans"):
        return str(vote.session)


def _candidates(vote) -> list:
    return list(vote.candidates.order_by("position"))


def _limit_text(vote, candidates: int) -> str:
    if vote.mode == domain.ITEMIZED:
        return "逐项表决，不限赞成数"
    limit = domain.approval_limit(mode=vote.mode, slots=vote.slots, candidates=candidates)
    return f"最多可对 {limit} 个候选项目投赞成票"


def _result(vote):
    from voting.models import VoteResult

    try:
        return vote.result
    except VoteResult.DoesNotExist:
        raise ValueError(f"vote {vote.pk} has no result to print") from None


def _void_reason(vote, result) -> str:
    reason = result.void_reason or vote.void_reason
    return VOID_REASON_LABELS[type(kind_of(vote))].get(reason, reason)


# ---------------------------------------------------------------------------------------------
# Rendering


@lru_cache(maxsize=8)
def _media_type_headers(media_type: str) -> EmailMessage:
    headers = EmailMessage()
    headers["Content-Type"] = media_type
    return headers


class _DataURLFetcher(weasyprint.urls.URLFetcher):
    """Decodes base64 data: URIs itself, and hands anything else to WeasyPrint's fetcher.
    urllib's data: handler and WeasyPrint's response parse e-mail style headers for every
    image, a tenth of the time of 400 code slips; the headers of one media type are built
    once here (WeasyPrint only reads them)."""

    def fetch(self, url, headers=None):
        head, _, data = url.partition(",")
        if head[:5].lower() == "data:" and head.endswith(";base64"):
            media_type = head[5 : -len(";base64")] or "text/plain"
            return weasyprint.urls.URLFetcherResponse(
                url, base64.b64decode(data), _media_type_headers(media_type)
            )
        return super().fetch(url, headers)


def _fetcher() -> weasyprint.urls.URLFetcher:
    """The documents are self-contained: only data: URIs (the QR images) may be read, never
    a file or the network, and a stray reference stops the rendering instead of a warning."""
    return _DataURLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def _html(template: str, context: dict) -> weasyprint.HTML:
    with translation.override("zh-hans"):
        source = render_to_string(template, context)
    return weasyprint.HTML(string=source, base_url=str(settings.BASE_DIR), url_fetcher=_fetcher())


def _render(
    template: str, context: dict, *, number_pages: bool = True, compact_retry: bool = False
) -> bytes:
    """Render once. When the document runs over one page: with ``compact_retry``, try again
    with tighter type (``compact``) and keep that if it fits one sheet; otherwise, with
    ``number_pages``, render the normal layout with a 第 N 页 共 M 页 footer (a one-page
    document stays clean)."""
    context = {**context, "numbered": False, "compact": False}
    document = _html(template, context).render()
    if len(document.pages) > 1 and compact_retry:
        compact = _html(template, {**context, "compact": True}).render()
        if len(compact.pages) == 1:
            return compact.write_pdf()
    if len(document.pages) > 1 and number_pages:
        document = _html(template, {**context, "numbered": True}).render()
    return document.write_pdf()


@dataclass(frozen=True)
class Slip:
    code: str  # formatted XXXXX-XXXXX-XXXXX
    qr: SafeString
    delegation: str = ""  # a county plenary's delegation (代表团) the slip is handed to


@dataclass(frozen=True)
class SlipPlace:
    row: int  # place on the sheet, for the layout only; never printed
    col: int


def _slip_places(count: int) -> list[SlipPlace]:
    return [SlipPlace(*divmod(i, SLIP_COLUMNS)) for i in range(count)]


def _pdf_object(pdf, value):
    """A pydyf object, given itself or an indirect reference to it (b"12 0 R")."""
    if isinstance(value, bytes):
        return pdf.objects[int(value.split()[0])]
    return value


@dataclass(frozen=True)
class _FixedSheetsUnder:
    """A WeasyPrint ``write_pdf`` finisher for the code slips: the document's first ``fixed``
    pages (the texts every slip shares) become PDF forms, each page after them draws the form
    ``under[i]`` beneath its own content (the codes and QR codes), and the fixed pages leave
    the page tree. Every page shares WeasyPrint's one resource dictionary, so the fonts and
    the cut lines are written once and a form is one small stream however many pages use it.
    """

    fixed: int
    under: tuple[int, ...]

    def __call__(self, document, pdf) -> None:
        kids = pdf.pages["Kids"]  # pydyf keeps the page references as flat triples: n 0 R
        pages = [pdf.objects[number] for number in kids[::3]]
        if len(pages) != self.fixed + len(self.under):
            raise RuntimeError(
                f"code slips: {len(pages)} pages laid out, expected {self.fixed} fixed "
                f"sheet(s) and {len(self.under)} of codes"
            )
        resources = _pdf_object(pdf, pages[0]["Resources"])
        xobjects = _pdf_object(pdf, resources["XObject"])
        # The forms get the resources as they are now, without themselves in them.
        own = pydyf.Dictionary({**resources, "XObject": pydyf.Dictionary(xobjects)})
        pdf.add_object(own)
        for i, page in enumerate(pages[: self.fixed]):
            form = _pdf_object(pdf, page["Contents"])
            form.extra.update(
                {
                    "Type": "/XObject",
                    "Subtype": "/Form",
                    "BBox": page["MediaBox"],
                    "Resources": own.reference,
                }
            )
            xobjects[f"SlipSheet{i}"] = form.reference
        for page, under in zip(pages[self.fixed :], self.under, strict=True):
            contents = _pdf_object(pdf, page["Contents"])
            # Before WeasyPrint's own transform: the form is drawn in the page's own space.
            contents.stream.insert(0, f"q /SlipSheet{under} Do Q".encode())
        del kids[: 3 * self.fixed]
        pdf.pages["Count"] -= self.fixed


def render_code_slips(
    *, vote, codes: list[str], ballot_url: str, delegations: list[str] | None = None
) -> bytes:
    """A4 sheets of cut-out ballot-code slips, 2 × 5 per page, dashed cut lines, no numbers.

    What every slip shares (the title, the session, the instructions, the approval limit, the
    cut lines) is laid out once, on a fixed sheet that each page draws as a PDF form beneath
    its codes and QR codes (``_FixedSheetsUnder``): a county session's 400 slips cost
    WeasyPrint 40 pages of 10 images and 10 one-line codes, not 3,000 lines of text."""
    labels = list(delegations or []) + [""] * (len(codes) - len(delegations or []))
    slips = [
        Slip(domain.format_code(code), qr_image(slip_payload(ballot_url, code)), label)
        for code, label in zip(codes, labels, strict=False)
    ]
    pages = [slips[i : i + SLIPS_PER_PAGE] for i in range(0, len(slips), SLIPS_PER_PAGE)]
    # One fixed sheet for the full pages, another for a partly filled last page: a slip with
    # no code on it must not be printed.
    filled = sorted({len(page) for page in pages}, reverse=True)
    context = {
        "numbered": False,
        "vote": vote,
        "session_label": _session_label(vote),
        "ballot_url": ballot_url,
        "limit_text": _limit_text(vote, vote.candidates.count()),
        "fixed_sheets": [_slip_places(count) for count in filled],
        "pages": pages,
        "cut_lines": CUT_LINES,
    }
    document = _html("voting/pdf/code_slips.html", context).render()
    if not pages:
        return document.write_pdf()
    under = tuple(filled.index(len(page)) for page in pages)
    return document.write_pdf(finisher=_FixedSheetsUnder(fixed=len(filled), under=under))


def render_share_slips(*, vote, ceremony) -> bytes:
    """密钥分片: one slip per key holder, each on its own half sheet — the QR code and the typed
    form of the holder's share, the vote, the holder's role and name, k of n, and "keep sealed
    until the count". The shares exist only in this PDF."""
    from . import sealing

    slips = [
        {
            "index": slip.index,
            "holder": slip.holder,
            "role": slip.role,
            "qr": qr_image(slip.typed),
            "groups": sealing.format_symbols(slip.typed).split(" "),
        }
        for slip in ceremony.slips
    ]
    context = {
        "vote": vote,
        "session_label": _session_label(vote),
        "slips": slips,
        "threshold": ceremony.threshold,
        "holders": ceremony.holders,
        "key_fingerprint": ceremony.key_fingerprint,
    }
    return _render("voting/pdf/share_slips.html", context, number_pages=False)


def sealed_digest_groups(vote) -> list[str]:
    return digest_groups(vote.sealed_digest) if vote.sealed_digest else []


def render_paper_ballot(*, vote, size: str = "A4") -> bytes:
    """The paper ballot (表决票): one row per candidate with 赞成 / 反对 / 弃权 boxes. Every copy
    is the same sheet — no serial number."""
    if size not in PAPER_SIZES:
        raise ValueError(f"paper size must be one of {', '.join(PAPER_SIZES)}")
    candidates = _candidates(vote)
    rows = [
        {
            "position": c.position,
            "title": c.title,
            "content": c.content,
            "location": c.location,
            "investment": money(c.investment),
            "deadline": cn_month(c.deadline),
        }
        for c in candidates
    ]
    n = len(candidates)
    limited = vote.mode != domain.ITEMIZED and n > vote.slots
    context = {
        "vote": vote,
        "session_label": _session_label(vote),
        "paper": PAPER_SIZES[size],
        "rows": rows,
        "candidates": n,
        "slots": vote.slots,
        "itemized": vote.mode == domain.ITEMIZED,
        "competitive": vote.mode == domain.COMPETITIVE,
        "limited": limited,
        "limit": domain.approval_limit(mode=vote.mode, slots=vote.slots, candidates=n),
        "margin": n - vote.slots,
        "blank_invalid": vote.blank_ballot_policy == "invalid",
        "mode_label": MODE_LABELS.get(vote.mode, ""),
    }
    return _render("voting/pdf/paper_ballot.html", context, compact_retry=True)


def _outcome(vote, result, cr) -> str:
    if not result.is_valid:
        return "—"
    if cr.tied:
        if vote.tie_rule == "presidium":
            return "得票相同，由主席团决定"
        return "得票相同，另行投票"
    return "通过" if cr.elected else "未通过"


def _shortfall_text(vote, result) -> str:
    if not result.is_valid or not result.shortfall:
        return ""
    if vote.shortfall_rule == "further_vote":
        return (
            f"赞成票过半数的项目少于应选数量，尚有{result.shortfall}个名额空缺，"
            "对其余候选项目另行票决。"
        )
    return f"赞成票过半数的项目少于应选数量，{result.shortfall}个名额空缺。"


def _signatures(vote) -> list[dict]:
    """One line per named officer, and a blank line for a role nobody was named to."""
    officers = {role: [] for role in ROLE_LABELS}
    for officer in vote.officers.all():
        officers.setdefault(officer.role, []).append(officer.name)
    signatures = []
    for role, label in ROLE_LABELS.items():
        for name in officers.get(role) or [""]:
            signatures.append({"role": label, "name": name})
    return signatures


def render_certificate(*, vote) -> bytes:
    """计票结果报告单: the count, the declaration, per-candidate figures, the ballot box digest
    and the officers' signature lines. An evaluation gets its own 满意度测评计票结果报告单."""
    return CERTIFICATES[type(kind_of(vote))](vote, _result(vote))


def render_notice(*, vote) -> bytes:
    """主席团公告 publishing the result of a vote (P6), or of a satisfaction evaluation."""
    return NOTICES[type(kind_of(vote))](vote, _result(vote))


def _render_project_certificate(vote, result) -> bytes:
    rows = []
    for cr in result.candidates.select_related("candidate").order_by("candidate__position"):
        rows.append(
            {
                "position": cr.candidate.position,
                "title": cr.candidate.title,
                "yes": cr.yes,
                "no": cr.no,
                "abstain": cr.abstain,
                "share": domain.yes_share(cr.yes, pass_base=result.pass_base_count),
                "rank": cr.rank if cr.rank is not None else "—",
                "outcome": _outcome(vote, result, cr),
                "elected": cr.elected and result.is_valid,
                "tied": cr.tied and result.is_valid,
            }
        )
    signatures = _signatures(vote)
    candidates = vote.candidates.count()
    context = {
        "vote": vote,
        "result": result,
        "session_label": _session_label(vote),
        "heading": session_heading(vote),
        "mode_label": MODE_LABELS.get(vote.mode, ""),
        "candidates": candidates,
        "competitive": vote.mode == domain.COMPETITIVE,
        "itemized": vote.mode == domain.ITEMIZED,
        "margin": candidates - vote.slots,
        "pass_base_label": PASS_BASE_LABELS.get(vote.pass_base, ""),
        "void_reason": _void_reason(vote, result),
        "rows": rows,
        "shortfall_text": _shortfall_text(vote, result),
        "digest_groups": digest_groups(vote.box_digest) if vote.box_digest else [],
        "sealed_groups": sealed_digest_groups(vote),
        "signatures": signatures,
        "date": cn_date(vote.session.date),
    }
    return _render("voting/pdf/certificate.html", context, compact_retry=True)


def _render_project_notice(vote, result) -> bytes:
    year = plan_year(vote)
    crs = list(result.candidates.select_related("candidate"))
    elected = sorted(
        (cr for cr in crs if cr.elected), key=lambda cr: (-cr.yes, cr.candidate.position)
    )
    tied = sorted((cr for cr in crs if cr.tied), key=lambda cr: cr.candidate.position)
    context = {
        "vote": vote,
        "result": result,
        "year": year,
        "heading": session_heading(vote),
        "date": cn_date(vote.session.date),
        "void_reason": _void_reason(vote, result),
        "elected": [{"title": cr.candidate.title, "yes": cr.yes} for cr in elected],
        "tied_titles": "、".join(f"“{cr.candidate.title}”" for cr in tied),
        "tied_count": len(tied),
        "tie_presidium": vote.tie_rule == "presidium",
        "shortfall_text": _shortfall_text(vote, result),
    }
    return _render("voting/pdf/notice.html", context)


# ---------------------------------------------------------------------------------------------
# The satisfaction evaluation (E1–E4)


def _grade_label(grade: str) -> str:
    """满意 / 基本满意 / 不满意; a void evaluation grades nothing (—)."""
    return GRADE_LABELS.get(grade, "—")


def _counts_row(counts: dict, returned: int) -> dict:
    satisfied, basic = counts.get("satisfied", 0), counts.get("basic", 0)
    return {
        "satisfied": satisfied,
        "basic": basic,
        "unsatisfied": counts.get("unsatisfied", 0),
        "abstain": counts.get("abstain", 0),
        "satisfied_rate": domain.percent_2dp(satisfied, returned),
        "both_rate": domain.percent_2dp(satisfied + basic, returned),
    }


def _evaluation_rows(vote, result) -> tuple[list[dict], tuple[str, str]]:
    """Each project's counts, rates (E3: over the ballots returned, two decimals) and grade,
    with its sub-items in the rule's order; and the overall rates across projects."""
    order = list(kind_of(vote).rules.sub_items)
    rows, totals = [], []
    for ev in result.evaluations.select_related("candidate").order_by("candidate__position"):
        counts = {
            "satisfied": ev.satisfied,
            "basic": ev.basic,
            "unsatisfied": ev.unsatisfied,
            "abstain": ev.abstain,
        }
        totals.append(counts)
        names = [n for n in order if n in ev.sub_items] + [
            n for n in ev.sub_items if n not in order
        ]
        sub_items = [
            {"name": name, **_counts_row(ev.sub_items[name], result.returned)} for name in names
        ]
        rows.append(
            {
                "position": ev.candidate.position,
                "title": ev.candidate.title,
                **_counts_row(counts, result.returned),
                "grade_code": ev.grade,
                "grade": _grade_label(ev.grade),
                "sub_items": sub_items,
                "span": 1 + len(sub_items),
            }
        )
    overall = domain.overall_rates(totals, returned=result.returned) if totals else ("—", "—")
    return rows, overall


def _render_evaluation_certificate(vote, result) -> bytes:
    rules = kind_of(vote).rules
    rows, (overall_satisfied, overall_both) = _evaluation_rows(vote, result)
    base_label, base_unit = GRADE_BASE_LABELS.get(rules.grade_base, ("", ""))
    half_counts = rules.half_counts
    sub_item_names = list(rules.sub_items)
    context = {
        "vote": vote,
        "result": result,
        "session_label": _session_label(vote),
        "projects": len(rows),
        "sub_item_count": len(sub_item_names),
        "sub_item_names": "、".join(f"“{name}”" for name in sub_item_names),
        "allows_abstain": rules.allows_abstain,
        "grade_base_label": base_label,
        "grade_base_unit": base_unit,
        "half_rule": "达到" if half_counts else "超过",
        "half_note": "恰好半数的计入。" if half_counts else "恰好半数的不计入。",
        "void_reason": _void_reason(vote, result),
        "rows": rows,
        "overall_satisfied": overall_satisfied,
        "overall_both": overall_both,
        "ballot_word": "测评票",
        "digest_groups": digest_groups(vote.box_digest) if vote.box_digest else [],
        "sealed_groups": sealed_digest_groups(vote),
        "signatures": _signatures(vote),
        "date": cn_date(vote.session.date),
    }
    return _render("voting/pdf/evaluation_certificate.html", context, compact_retry=True)


def _rectify_text(vote, rows) -> str:
    """E4: projects graded 基本满意 (when the rules ask for it) or 不满意 must be rectified."""
    grades = {row["grade_code"] for row in rows}
    on_basic = kind_of(vote).rules.rectify_on_basic
    if domain.GRADE_UNSATISFIED in grades or (on_basic and domain.GRADE_BASIC in grades):
        which = "基本满意、不满意" if on_basic else "不满意"
        return f"对测评等次为{which}的项目，责成有关部门限期整改。"
    return ""


def _render_evaluation_notice(vote, result) -> bytes:
    rows, (overall_satisfied, overall_both) = _evaluation_rows(vote, result)
    heading = session_heading(vote)
    context = {
        "vote": vote,
        "result": result,
        "year": plan_year(vote),
        "heading": heading,
        "date": cn_date(vote.session.date),
        "void_reason": _void_reason(vote, result),
        "rows": rows,
        "overall_satisfied": overall_satisfied,
        "overall_both": overall_both,
        "rectify_text": _rectify_text(vote, rows) if result.is_valid else "",
    }
    return _render("voting/pdf/evaluation_notice.html", context)


__all__ = [
    "pdf_text",
    "render_certificate",
    "render_code_slips",
    "render_notice",
    "render_paper_ballot",
]


# Each kind of ballot's documents.
CERTIFICATES = {
    ProjectVote: _render_project_certificate,
    SatisfactionEvaluation: _render_evaluation_certificate,
}
NOTICES = {ProjectVote: _render_project_notice, SatisfactionEvaluation: _render_evaluation_notice}
VOID_REASON_LABELS = {ProjectVote: VOID_REASONS, SatisfactionEvaluation: EVALUATION_VOID_REASONS}
