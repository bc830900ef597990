"""Uploaded photos: checked by decoding (never by extension), capped in size, resized to at most
1600 px, EXIF stripped — only the GPS block is kept, and only if the uploader asks.

Decoding is the expensive part: a 160 KB PNG can declare 7000 × 7000 pixels and cost hundreds of
megabytes once decoded. So the pixel budgets below are checked from the image header (which
`Image.open` reads without decoding) — per photo here, and for all photos of one form together in
`check_pixel_budget`, before any of them is decoded. A JPEG is then decoded already scaled down
(`draft`: the decoder skips detail), and every photo is shrunk before it is rotated or converted,
so no full-size copy is made."""

from __future__ import annotations

import io
import math
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 1600
# Pixels per photo, by format, read from the header. Phones save JPEG: 12 MP by default, up to
# 50 MP in their "high resolution" mode, and a JPEG is decoded scaled down, so 50 MP costs at most
# ~190 MB (progressive) and 0.4 s. PNG and WebP are decoded at full size (RGBA PNG ~9 MB and WebP
# ~15 MB of memory per megapixel, measured), so they get less: screenshots and exports fit.
MAX_PIXELS = {"JPEG": 50_000_000, "PNG": 24_000_000, "WEBP": 12_000_000}
# All photos of one form together (at most six), checked before any is decoded: six ordinary
# 12 MP photos fit, as do two taken in a phone's 50 MP mode.
MAX_FORM_PIXELS = 100_000_000
ALLOWED_FORMATS = set(MAX_PIXELS)
GPS_IFD = 0x8825


def _megapixels(pixels: int) -> str:
    """Rounded up to 0.1, so a photo just over a limit never reads as equal to it."""
    return f"{math.ceil(pixels / 100_000) / 10:g}"


def _check_photo_pixels(upload, fmt: str, pixels: int) -> None:
    limit = MAX_PIXELS.get(fmt)
    if limit is not None and pixels > limit:
        raise ValidationError(
            _(
                "The photo %(name)s has %(mp)s megapixels; a %(format)s photo may have at most "
                "%(max)s. Send a smaller copy."
            )
            % {
                "name": getattr(upload, "name", "") or "",
                "mp": _megapixels(pixels),
                "format": "WebP" if fmt == "WEBP" else fmt,
                "max": _megapixels(limit),
            }
        )


def photo_header(upload) -> tuple[str, int] | None:
    """(format, width × height) from the image header only — nothing is decoded; None when the
    file is not an image we can read (decoding it later says so). The upload is left rewound.
    Raises ValidationError for a header past Pillow's own decompression-bomb limit."""
    from PIL import Image, UnidentifiedImageError

    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            header = (probe.format, probe.width * probe.height)
    except Image.DecompressionBombError:
        # Pillow's own limit (~179 MP), far above ours: refused the same way, without a count.
        raise ValidationError(_("This photo is too large.")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        header = None
    finally:
        upload.seek(0)
    return header


def check_pixel_budget(uploads) -> None:
    """Refuse, before decoding any of them, photos that are too large one by one or together."""
    total = 0
    for upload in uploads:
        header = photo_header(upload)
        if header is None:
            continue
        fmt, pixels = header
        _check_photo_pixels(upload, fmt, pixels)
        total += pixels
    if total > MAX_FORM_PIXELS:
        raise ValidationError(
            _(
                "These photos have %(mp)s megapixels together; at most %(max)s are accepted in "
                "one form. Send fewer photos or smaller copies."
            )
            % {"mp": _megapixels(total), "max": _megapixels(MAX_FORM_PIXELS)}
        )


def process_photo(upload, *, keep_location: bool = False) -> tuple[ContentFile, int, int, bool]:
    """Return (JPEG file, width, height, location kept) or raise ValidationError."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("A photo may be at most 8 MB."))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("A photo may be at most 8 MB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG or WebP photo."))
            _check_photo_pixels(upload, fmt, probe.width * probe.height)
            probe.verify()
        image = Image.open(io.BytesIO(data))
        exif = image.getexif()
        gps = exif.get_ifd(GPS_IFD) if keep_location else {}
        if fmt == "JPEG":
            # Decode at 1/2, 1/4 or 1/8 scale, never smaller than the final size.
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))
        if image.mode in ("1", "P"):
            # Palette images resize only pixel by pixel: convert first (as before).
            image = image.convert("RGB")
        # Shrink before rotating and converting, so neither copies the full-size image.
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGB")
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(_("This photo is too large.")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationError(_("This file is not a photo we can read.")) from None
    out = io.BytesIO()
    kept = False
    if gps:
        new_exif = Image.Exif()
        new_exif[GPS_IFD] = gps
        image.save(out, "JPEG", quality=85, exif=new_exif.tobytes())
        kept = True
    else:
        image.save(out, "JPEG", quality=85)
    name = f"{uuid.uuid4().hex}.jpg"
    return ContentFile(out.getvalue(), name=name), image.width, image.height, kept
