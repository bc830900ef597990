"""The vote's printed documents: code slips, paper ballot, tally certificate, presidium notice.

Each PDF is checked through its extracted text (Chinese included) and poppler's pdfinfo.
Set LIVELIHOOD_PDF_DUMP=/some/dir to keep the rendered files for a look.
"""

import datetime
import os
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import qrcode
import qrcode.constants
from django.utils import translation
from PIL import Image

from tests.factories import SessionFactory, TermFactory, TownshipFactory
from voting import domain, pdf
from voting.models import CandidateResult, Vote, VoteCandidate, VoteOfficer, VoteResult

BALLOT_URL = "https://livelihood.example.gov.cn/v/7/"
TITLES = ["东河村道路路灯安装", "西岭村饮水管网改造", "镇中心小学操场翻新", "南湾社区养老服务站"]
DIGEST = "3f2a9c1be47d05a8c6e1f0d9b2a4c7e8193d5f6a0b8c2e4d6f1a3b5c7d9e0f21"


def pdf_info(data: bytes) -> dict[str, str]:
    out = subprocess.run(
        ["pdfinfo", "-"], input=data, capture_output=True, check=True, timeout=30
    ).stdout.decode()
    return dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition(":") for line in out.splitlines())
    )


def keep(name: str, data: bytes) -> None:
    folder = os.environ.get("LIVELIHOOD_PDF_DUMP")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        Path(folder, name).write_bytes(data)


def squash(text: str) -> str:
    """pdftotext breaks lines inside table cells; compare without whitespace."""
    return re.sub(r"\s+", "", text)


def make_vote(*, mode="competitive", slots=3, titles=TITLES, **overrides) -> Vote:
    township = TownshipFactory(name="青石镇")
    session = SessionFactory(term=TermFactory(township=township, number=19), number=3)
    fields = dict(
        session=session,
        title="青石镇2027年民生实事项目票决",
        mode=mode,
        ballot_type="approval",
        slots=slots,
        pass_base="in_office",
        quorum_numerator=2,
        quorum_denominator=3,
        tie_rule="revote",
        shortfall_rule="further_vote",
        blank_ballot_policy="valid_abstain",
        trackers_enabled=True,
        code_salt="x",
    )
    fields.update(overrides)
    vote = Vote.objects.create(**fields)
    for position, title in enumerate(titles, start=1):
        VoteCandidate.objects.create(
            vote=vote,
            position=position,
            title=title,
            content=(
                f"{title}：新建、改造相关设施，完善配套，方便群众日常出行和生活。"
                "工程分两期实施，第一期完成主体建设，第二期完成配套和绿化。"
            ),
            location="东河村、西岭村",
            investment=Decimal("120.50") + position,
            deadline=datetime.date(2027, 6 + position % 6, 30),
        )
    return vote


def add_result(vote: Vote, yes: list[int], *, elected: set[int], tied=frozenset(), **overrides):
    fields = dict(
        due=45,
        present=42,
        on_leave=3,
        in_office=45,
        issued=42,
        returned=41,
        electronic=30,
        paper=11,
        valid=40,
        invalid=1,
        blank=0,
        pass_base_count=45,
        quorum_met=True,
        is_valid=True,
    )
    fields.update(overrides)
    result = VoteResult.objects.create(vote=vote, **fields)
    ranks = domain.competition_ranks(yes)
    for i, candidate in enumerate(vote.candidates.order_by("position")):
        CandidateResult.objects.create(
            vote_result=result,
            candidate=candidate,
            yes=yes[i],
            no=fields["valid"] - yes[i] - 2,
            abstain=2,
            passed=domain.passes(yes[i], fields["pass_base_count"]),
            elected=i in elected,
            tied=i in tied,
            rank=ranks[i],
        )
    return result


@pytest.fixture
def counted_vote(db):
    vote = make_vote(box_digest=DIGEST)
    add_result(vote, [38, 35, 30, 12], elected={0, 1, 2})
    VoteOfficer.objects.create(vote=vote, role="chief", name="赵总监")
    VoteOfficer.objects.create(vote=vote, role="scrutineer", name="钱监票")
    VoteOfficer.objects.create(vote=vote, role="scrutineer", name="孙监票")
    VoteOfficer.objects.create(vote=vote, role="teller", name="李计票")
    return vote


def codes(n: int) -> list[str]:
    rand = iter(range(10**6))
    return [domain.new_code(lambda k: next(rand) * 7 % k) for _ in range(n)]


# --- code slips -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_code_slips_print_formatted_codes_and_no_numbers(monkeypatch):
    vote = make_vote()
    slip_codes = [domain.new_code() for _ in range(20)]
    payloads = []
    real_qr = pdf.qr_image
    monkeypatch.setattr(
        pdf, "qr_image", lambda payload: payloads.append(payload) or real_qr(payload)
    )

    data = pdf.render_code_slips(vote=vote, codes=slip_codes, ballot_url=BALLOT_URL)
    keep("slips.pdf", data)

    assert data[:4] == b"%PDF"
    assert pdf_info(data)["Pages"] == "2"  # 10 slips a page
    text = pdf.pdf_text(data)
    flat = squash(text)
    assert "青石镇2027年民生实事项目票决" in flat
    assert str(vote.session) in text
    for code in slip_codes:
        assert domain.format_code(code) in text
        # The code travels in the fragment only, never in a path a server would log.
        assert BALLOT_URL + code not in flat
        assert code not in flat  # only the typed, grouped form is printed
    assert "每张投票码只能投票一次" in flat
    assert "最多可对3个候选项目投赞成票" in flat
    assert squash(f"扫描二维码或在 {BALLOT_URL} 输入投票码") in flat
    # No sequence numbers: no digits outside the codes, the URL, the session and the limit.
    rest = flat
    for code in slip_codes:
        rest = rest.replace(domain.format_code(code), "")
    for known in (BALLOT_URL, squash(str(vote.session)), "2027", "最多可对3个"):
        rest = rest.replace(known, "")
    assert not re.search(r"\d", rest), rest
    # QR codes: the ballot page with the code in the fragment.
    assert payloads == [f"{BALLOT_URL}#{code}" for code in slip_codes]


@pytest.mark.django_db
def test_code_slip_qr_codes_carry_the_code_in_the_fragment(tmp_path):
    """Each QR image in the PDF is, module for module, the QR code of ballot_url#code."""
    slip_codes = codes(3)
    data = pdf.render_code_slips(vote=make_vote(), codes=slip_codes, ballot_url=BALLOT_URL)
    (tmp_path / "slips.pdf").write_bytes(data)
    subprocess.run(["pdfimages", "-png", tmp_path / "slips.pdf", tmp_path / "qr"], check=True)
    found = []
    for png in sorted(tmp_path.glob("qr-*.png")):
        image = Image.open(png).convert("L")
        size = image.width
        found.append(
            tuple(tuple(image.getpixel((x, y)) < 128 for x in range(size)) for y in range(size))
        )
    expected = []
    for code in slip_codes:
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
        qr.add_data(f"{BALLOT_URL}#{code}")
        qr.make(fit=True)
        expected.append(tuple(tuple(row) for row in qr.get_matrix()))
    assert sorted(found) == sorted(expected)


@pytest.mark.django_db
def test_code_slips_itemized_and_partial_page():
    vote = make_vote(mode="itemized", slots=1)
    data = pdf.render_code_slips(vote=vote, codes=codes(3), ballot_url=BALLOT_URL)
    assert pdf_info(data)["Pages"] == "1"
    assert "逐项表决，不限赞成数" in squash(pdf.pdf_text(data))


@pytest.mark.django_db
def test_documents_stay_chinese_for_an_english_reader():
    vote = make_vote()
    with translation.override("en"):
        english = str(vote.session)
        flat = squash(pdf.pdf_text(pdf.render_paper_ballot(vote=vote)))
    assert "session" in english
    assert "session" not in flat and "第3次会议" in flat


def test_slip_payload_refuses_a_url_with_a_fragment():
    assert pdf.slip_payload("https://x/v/", "ABC") == "https://x/v/#ABC"
    with pytest.raises(ValueError):
        pdf.slip_payload("https://x/v/#old", "ABC")


# --- paper ballot -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_paper_ballot_a4_and_a3():
    vote = make_vote()
    a4 = pdf.render_paper_ballot(vote=vote)
    a3 = pdf.render_paper_ballot(vote=vote, size="A3")
    keep("ballot-a4.pdf", a4)
    keep("ballot-a3.pdf", a3)

    assert a4[:4] == b"%PDF" and a3[:4] == b"%PDF"
    assert pdf_info(a4)["Page size"] != pdf_info(a3)["Page size"]
    assert pdf_info(a4)["Page size"].startswith("841.89 x 595.27")  # A4 landscape
    assert pdf_info(a3)["Pages"] == pdf_info(a4)["Pages"] == "1"
    flat = squash(pdf.pdf_text(a4))
    for title in TITLES:
        assert title in flat
    for label in ("表决票", "序号", "项目名称", "主要内容", "实施地点", "投资估算（万元）"):
        assert label in flat
    for label in ("完成时限", "赞成", "反对", "弃权", "应选数量3个", "差额数1个"):
        assert label in flat
    assert "赞成数超过应选数量3个的为无效票" in flat
    assert "不划的视为弃权" in flat
    assert "121.5" in flat and "2027年7月" in flat
    assert "编号" not in flat  # no serial number on a secret ballot
    assert squash(str(vote.session)) in flat


@pytest.mark.django_db
def test_paper_ballot_itemized_has_no_limit():
    vote = make_vote(mode="itemized", slots=1, blank_ballot_policy="invalid")
    flat = squash(pdf.pdf_text(pdf.render_paper_ballot(vote=vote)))
    assert "无效票" in flat  # the blank-ballot rule
    assert "赞成数超过" not in flat
    assert "差额数" not in flat and "应选数量" not in flat
    with pytest.raises(ValueError):
        pdf.render_paper_ballot(vote=vote, size="Letter")


# --- certificate ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_certificate(counted_vote):
    data = pdf.render_certificate(vote=counted_vote)
    keep("certificate.pdf", data)
    assert data[:4] == b"%PDF"
    text = pdf.pdf_text(data)
    flat = squash(text)
    for label in ("计票结果报告单", "应到代表", "实到代表", "请假", "发出表决票", "收回表决票"):
        assert label in flat
    for label in ("有效票", "无效票", "赞成票", "反对票", "弃权票", "票决率", "名次"):
        assert label in flat
    for label in ("总监票人", "监票人", "计票人", "赵总监", "钱监票", "孙监票", "李计票"):
        assert label in flat
    for title in TITLES:
        assert title in flat
    assert "票决有效" in flat
    # 票决率 on the pass base (45 deputies in office), not on the 40 valid ballots
    assert "84.4%" in flat  # 38 / 45
    assert "26.7%" in flat  # 12 / 45
    assert "票决率＝赞成票÷" in flat and "（45名）" in flat
    assert "84.4%1通过" in flat and "26.7%4未通过" in flat and flat.count("未通过") == 1
    assert "投票箱摘要（SHA-256）" in flat
    assert DIGEST in flat  # in monospace groups of eight
    assert re.search(r"\b3f2a9c1b\s+e47d05a8\s+c6e1f0d9\b", text)
    assert "2026年12月20日" in flat


@pytest.mark.django_db
def test_certificate_void_and_tied():
    vote = make_vote()
    add_result(
        vote,
        [30, 30, 30, 12],
        elected={0},
        tied={1, 2},
        is_valid=True,
    )
    flat = squash(pdf.pdf_text(pdf.render_certificate(vote=vote)))
    assert flat.count("得票相同，另行投票") == 2
    assert "投票箱摘要" not in flat  # no digest set
    assert "监票人" in flat  # blank signature lines even with no officers named

    void = make_vote(title="青石镇2027年民生实事项目再次票决")
    add_result(void, [30, 20, 10, 5], elected=set(), is_valid=False, void_reason="more_returned")
    flat = squash(pdf.pdf_text(pdf.render_certificate(vote=void)))
    assert "票决无效" in flat and "收回表决票多于发出表决票" in flat
    assert "票决有效" not in flat


@pytest.mark.django_db
def test_certificate_needs_a_result():
    with pytest.raises(ValueError):
        pdf.render_certificate(vote=make_vote())


# --- notice -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_notice(counted_vote):
    data = pdf.render_notice(vote=counted_vote)
    keep("notice.pdf", data)
    assert data[:4] == b"%PDF"
    flat = squash(pdf.pdf_text(data))
    assert "青石镇第十九届人民代表大会第三次会议主席团公告" in flat
    assert "本次会议于2026年12月20日采用无记名投票方式对2026年民生实事候选项目进行了票决" in flat
    assert "应到代表45名，实到代表42名" in flat
    assert "共发出表决票42张，收回41张，其中有效票40张，无效票1张。票决有效。" in flat
    assert "下列项目当选为2026年民生实事项目" in flat
    for title in TITLES[:3]:
        assert title in flat
    assert TITLES[3] not in flat  # not elected
    assert "（赞成票38票）" in flat
    assert flat.index(TITLES[0]) < flat.index(TITLES[1]) < flat.index(TITLES[2])
    assert "现予公告。" in flat
    assert flat.endswith("青石镇第十九届人民代表大会第三次会议主席团2026年12月20日")
    fonts = subprocess.run(
        ["pdffonts", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "Serif-CJK" in fonts


@pytest.mark.django_db
def test_notice_takes_the_year_from_the_plan(counted_vote, monkeypatch):
    monkeypatch.setattr(pdf, "plan_year", lambda vote: 2027)
    flat = squash(pdf.pdf_text(pdf.render_notice(vote=counted_vote)))
    assert "当选为2027年民生实事项目" in flat


@pytest.mark.django_db
def test_notice_with_a_tie_a_shortfall_or_a_void_vote():
    vote = make_vote(slots=3)
    add_result(vote, [30, 30, 30, 12], elected={0}, tied={1, 2}, shortfall=0)
    flat = squash(pdf.pdf_text(pdf.render_notice(vote=vote)))
    assert TITLES[0] in flat
    assert f"“{TITLES[1]}”、“{TITLES[2]}”2个项目赞成票相同，将另行投票确定当选项目" in flat

    short = make_vote(slots=3, title="青石镇2027年民生实事项目票决（二）")
    add_result(short, [38, 35, 12, 10], elected={0, 1}, shortfall=1)
    flat = squash(pdf.pdf_text(pdf.render_notice(vote=short)))
    assert "尚有1个名额空缺，对其余候选项目另行票决" in flat

    void = make_vote(title="青石镇2027年民生实事项目票决（三）")
    add_result(void, [30, 20, 10, 5], elected=set(), is_valid=False, void_reason="no_quorum")
    flat = squash(pdf.pdf_text(pdf.render_notice(vote=void)))
    assert "因实到代表未达到法定人数，本次票决无效，将另行组织票决。" in flat
    assert "当选" not in flat and "票决有效" not in flat


def test_printing_fetches_nothing_but_data_uris():
    fetcher = pdf._fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/x.png")


def test_formatting_helpers():
    assert pdf.cn_number(3) == "三"
    assert pdf.cn_number(10) == "十"
    assert pdf.cn_number(19) == "十九"
    assert pdf.cn_number(20) == "二十"
    assert pdf.cn_number(105) == "一百零五"
    assert pdf.cn_number(110) == "一百一十"
    assert pdf.money(Decimal("120.00")) == "120"
    assert pdf.money(Decimal("35.50")) == "35.5"
    assert pdf.money(None) == ""
    assert pdf.cn_month(datetime.date(2027, 6, 30)) == "2027年6月"
    assert pdf.digest_groups("a" * 16) == ["aaaaaaaa", "aaaaaaaa"]
