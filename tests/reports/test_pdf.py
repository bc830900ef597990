"""Report PDFs: the text extracted from each PDF carries the Chinese figures and names."""

import subprocess
from pathlib import Path

import pytest

from reports import pdf
from reports.models import Report, ReportKind
from voting.pdf import pdf_text

pytestmark = pytest.mark.django_db


ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "reports"


def _keep(name: str, data: bytes) -> None:
    """Keep the PDF for a human look (test-artifacts/reports/)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_bytes(data)


def _report(world, **kw):
    defaults = dict(kind=ReportKind.TOWNSHIP, township=world.township, county=world.county)
    defaults.update(kw)
    return Report.objects.create(year=2026, quarter=2, **defaults)


def test_township_report_text_has_cover_figures_and_projects(report_world, tmp_path):
    report = _report(report_world)
    seen = []
    data = pdf.render_township_report(report=report, progress=seen.append)
    _keep("township.pdf", data)
    text = pdf_text(data)
    assert "青石镇民生实事项目" in text
    assert "2026年第二季度" in text
    assert "东河村道路路灯安装" in text and "镇区污水管网建设" in text
    assert "南塘村文化礼堂" not in text  # not elected
    assert "票决率 86.7%" in text  # 26 of 30 in office: the pass base, one decimal
    assert "通过基数 30 名" in text and "指标口径" in text
    assert "征集意见建议" in text
    assert "尚无进度报告" in text
    assert seen == sorted(seen) and seen[-1] == 80
    # Rendered to PNG once while building it: the cover page has ink.
    out = tmp_path / "page"
    (tmp_path / "r.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "3", str(tmp_path / "r.pdf"), str(out)],
        check=True,
    )
    assert sorted(p.name for p in tmp_path.glob("page-*.png"))


def test_county_rollup_compares_townships(report_world):
    report = _report(report_world, kind=ReportKind.COUNTY, township=None)
    data = pdf.render_county_report(report=report)
    _keep("county.pdf", data)
    text = pdf_text(data)
    assert "青山县民生实事项目" in text
    assert "青石镇" in text and "柳河乡" in text
    assert "各乡镇情况对比" in text
    # 3 + 2 elected; 101+102+103 + 101+102 万元
    assert "509" in text


def test_report_of_a_year_without_plan_says_so(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = _report(world)
    text = pdf_text(pdf.render_township_report(report=report))
    assert "尚未建立民生实事项目计划" in text
    assert "尚无已公布的票决通过项目" in text


def test_township_report_prints_supervision_figures(report_world):
    from .factories import supervision_records

    project = report_world.township.projects.get(title="东河村道路路灯安装")
    supervision_records(project, budget=120, invested=60, percent=45)
    data = pdf.render_township_report(report=_report(report_world))
    _keep("township-supervision.pdf", data)
    text = pdf_text(data)
    assert "45%" in text
    assert "已投资 60 万元 / 预算 120 万元（执行率 50.00%）" in text
    assert "已销号 1 件" in text and "其中逾期 1 件" in text
    # Of the plan's milestones (the six every implementation plan has), 立项 was reached.
    from supervision.models import MILESTONE_ORDER

    assert f"已完成 1 / {len(MILESTONE_ORDER)}" in text
    assert "立项" in text and "按期完成" in text
    assert "开工" in text and "已滞后" in text


def test_township_report_shows_photo_thumbnails(report_world, settings):
    """A progress report's photo is printed as a thumbnail (an image inside the PDF)."""
    import datetime
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from supervision.models import Photo, ProgressReport

    from .factories import supervision_records

    project = report_world.township.projects.get(title="东河村道路路灯安装")
    supervision_records(project)
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 60, 40)).save(buffer, "JPEG")
    photo = Photo(report=ProgressReport.objects.get(project=project), width=640, height=480)
    photo.file.save("site.jpg", ContentFile(buffer.getvalue()), save=True)
    # Uploaded with the Q2 report: the Q2 report counts what was recorded by 30 June.
    Photo.objects.filter(pk=photo.pk).update(
        created_at=datetime.datetime(2026, 6, 20, 2, tzinfo=datetime.UTC)
    )
    data = pdf.render_township_report(report=_report(report_world))
    listing = subprocess.run(
        ["pdfimages", "-list", "-"], input=data, capture_output=True, check=False
    )
    if listing.returncode != 0:  # older poppler reads no stdin: use a file
        path = ARTIFACTS / "photo.pdf"
        _keep("photo.pdf", data)
        listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, check=True)
    lines = listing.stdout.decode().strip().splitlines()[2:]
    assert len(lines) == 1 and " 320 " in lines[0]


def test_photo_thumbnail_is_small_and_keeps_its_shape(tmp_path):
    """A site photo as uploads keep it (JPEG, 1600 × 1200) goes into the report as a JPEG of at
    most 320 × 240 with the same proportions (decoded at a reduced scale, issue 16)."""
    import base64
    import io

    from PIL import Image

    path = tmp_path / "site.jpg"
    Image.linear_gradient("L").resize((1600, 1200)).convert("RGB").save(path, "JPEG")

    uri = pdf._thumb(str(path))

    assert uri.startswith("data:image/jpeg;base64,")
    thumb = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert thumb.format == "JPEG" and thumb.mode == "RGB"
    assert thumb.size == (320, 240)
    assert pdf._thumb(str(tmp_path / "missing.jpg")) is None
