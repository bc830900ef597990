"""A deputy's yearly duty record (履职档案) as PDF, in Simplified Chinese like every official
document here (WeasyPrint with the Noto CJK font, through projects.pdf.render_pdf)."""

from __future__ import annotations

from django.utils import translation

from projects.pdf import render_pdf

from .selectors import DutyRecord


def duty_record_pdf(record: DutyRecord) -> bytes:
    with translation.override("zh-hans"):
        return render_pdf("stations/pdf/duty_record.html", {"record": record})
