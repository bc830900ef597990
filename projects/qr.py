"""QR codes as inline SVG (no files, no outside service)."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg


def qr_svg(data: str, *, box_size: int = 10) -> str:
    """An <svg> element encoding ``data`` (error correction M)."""
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=2
    )
    qr.add_data(data)
    qr.make(fit=True)
    image = qr.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


def qr_data_uri(data: str) -> str:
    svg = qr_svg(data)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
