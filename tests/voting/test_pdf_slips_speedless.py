"""Code slips still scan and read right after the speed work of issue 16 (QR codes encoded and
scored with numpy, cut lines as one SVG, the texts every slip shares laid out once as a PDF form
under each page). No timing here: bench/bench_pdf.py measures the time."""

import base64
import io
import random
import re
import string
import subprocess

import pytest
import qrcode
import qrcode.constants
from PIL import Image

from tests.voting.test_pdf import BALLOT_URL, make_vote
from voting import domain, pdf, qr

DPI = 150
MM = 72 / 25.4  # points per millimetre
# Where the slips sit on an A4 sheet (templates/voting/pdf/code_slips.html): the page margins,
# then 2 columns × 5 rows of 95 × 55 mm.
LEFT_MM, TOP_MM = 10, 11
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
TYPED_CODE = re.compile(r"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}")


def slip_at(x_mm: float, y_mm: float) -> tuple[int, int]:
    """(row, column) of the slip that holds the point."""
    return int((y_mm - TOP_MM) // pdf.SLIP_HEIGHT_MM), int((x_mm - LEFT_MM) // pdf.SLIP_WIDTH_MM)


def typed_codes(pdf_path) -> dict[tuple[int, int], str]:
    """The code printed in letters on each slip of page 1, by slip."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", pdf_path, "-"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    codes = {}
    for x0, y0, x1, y1, text in WORD.findall(out):
        if TYPED_CODE.fullmatch(text):
            cx, cy = (float(x0) + float(x1)) / 2 / MM, (float(y0) + float(y1)) / 2 / MM
            codes[slip_at(cx, cy)] = text
    return codes


@pytest.mark.django_db
def test_every_qr_code_on_a_page_scans_to_the_code_typed_on_its_slip(tmp_path):
    """A full sheet rendered to an image as a printer would get it: all ten QR codes decode, each
    to the ballot page with the code in the fragment, and that code is the one typed on the
    same slip."""
    zxingcpp = pytest.importorskip("zxingcpp", reason="pip install zxing-cpp (dev dependency)")
    slip_codes = [domain.new_code() for _ in range(pdf.SLIPS_PER_PAGE + 3)]  # a second page
    data = pdf.render_code_slips(vote=make_vote(), codes=slip_codes, ballot_url=BALLOT_URL)
    (tmp_path / "slips.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-f", "1", "-l", "1", "-png", "slips.pdf", "page"],
        cwd=tmp_path,
        check=True,
        timeout=60,
    )
    (png,) = tmp_path.glob("page*.png")

    found = zxingcpp.read_barcodes(Image.open(png))

    typed = typed_codes(tmp_path / "slips.pdf")
    assert len(typed) == pdf.SLIPS_PER_PAGE
    assert len(found) == pdf.SLIPS_PER_PAGE
    scanned = {}
    for barcode in found:
        assert barcode.format == zxingcpp.BarcodeFormat.QRCode
        url, _, code = barcode.text.partition("#")
        assert url == BALLOT_URL
        corners = [barcode.position.top_left, barcode.position.bottom_right]
        cx = sum(p.x for p in corners) / 2 / DPI * 25.4
        cy = sum(p.y for p in corners) / 2 / DPI * 25.4
        scanned[slip_at(cx, cy)] = code
    assert sorted(scanned) == sorted(typed)  # one QR code on every slip
    for place, code in scanned.items():
        assert domain.format_code(code) == typed[place], place
    assert sorted(scanned.values()) == sorted(slip_codes[: pdf.SLIPS_PER_PAGE])


def _payloads() -> list[str]:
    rng = random.Random(16)
    alphabet = string.ascii_letters + string.digits + "/:#.-_?=&"
    payloads = [
        "".join(rng.choice(alphabet) for _ in range(length))
        for length in (1, 5, 17, 40, 52, 80, 150, 300, 700) * 6
    ]
    payloads += [f"{BALLOT_URL}#{domain.new_code()}" for _ in range(40)]
    payloads += ["12345678901234567890123", "HELLO WORLD 2027", "青石镇 2027 年民生实事"]
    return payloads


def test_qr_matrices_match_qrcode_module_for_module():
    """The fast encoder picks the same mask as the qrcode package and yields the same symbol,
    for short and long payloads (versions 1 to 20, numeric, alphanumeric, bytes, UTF-8)."""
    payloads = _payloads()
    mine = qr.qr_matrices(payloads)
    versions = set()
    for payload, matrix in zip(payloads, mine, strict=True):
        reference = qrcode.QRCode(
            error_correction=qrcode.constants.ERROR_CORRECT_M, border=qr.QUIET_ZONE
        )
        reference.add_data(payload)
        reference.make(fit=True)
        versions.add(reference.version)
        assert matrix.tolist() == reference.get_matrix(), payload
    assert min(versions) == 1 and max(versions) >= 15


def test_qr_png_has_one_grey_pixel_per_module():
    """The slip's image is the module matrix itself: black modules, white quiet zone."""
    payload = f"{BALLOT_URL}#ABCDEABCDEABCDE"
    uri = qr.qr_png_data_uri(payload)
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert image.mode == "L"
    matrix = qr.qr_matrix(payload)
    assert image.size == matrix.shape
    assert [
        [image.getpixel((x, y)) == 0 for x in range(image.width)] for y in range(image.height)
    ] == (matrix.tolist())


def page_text(data: bytes, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), "-", "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()


@pytest.mark.django_db
def test_a_partly_filled_last_page_prints_only_the_slips_that_have_a_code():
    """13 codes: two pages, the first with ten whole slips, the second with three; no slip
    carries the instructions without a code (a blank slip could be handed out), and the
    texts every slip shares are on every page, with the page heading."""
    slip_codes = [domain.new_code() for _ in range(13)]
    data = pdf.render_code_slips(vote=make_vote(), codes=slip_codes, ballot_url=BALLOT_URL)

    first, second = page_text(data, 1), page_text(data, 2)
    assert len(TYPED_CODE.findall(first)) == 10
    assert first.count("每张投票码只能投票一次") == 10
    assert len(TYPED_CODE.findall(second)) == 3
    assert second.count("每张投票码只能投票一次") == 3
    assert second.count("最多可对 3 个候选项目投赞成票") == 3
    for text in (first, second):
        assert "沿虚线剪开，每位代表随机抽取一张" in text
    assert sorted(TYPED_CODE.findall(first + second)) == sorted(
        domain.format_code(code) for code in slip_codes
    )


def test_the_data_uri_fetcher_reads_what_urllib_reads():
    """The documents' fetcher decodes base64 data: URIs itself; other data: URIs (the cut
    lines' SVG) still go through WeasyPrint's own fetcher, and nothing else is fetched."""
    fetcher = pdf._fetcher()
    uri = qr.qr_png_data_uri(f"{BALLOT_URL}#ABCDEABCDEABCDE")
    response = fetcher.fetch(uri)
    assert response.content_type == "image/png"
    assert response.read() == base64.b64decode(uri.split(",", 1)[1])
    svg = fetcher.fetch(pdf.CUT_LINES)
    assert svg.content_type == "image/svg+xml"
    assert svg.read().startswith(b"<svg")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd;base64,AAAA")
