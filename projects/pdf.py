"""PDFs with WeasyPrint (Noto Sans CJK SC, set on html so the page footer uses it too)."""

from __future__ import annotations

from django.template.loader import render_to_string


def render_pdf(template: str, context: dict, *, request=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else None
    return HTML(string=html, base_url=base_url).write_pdf()
