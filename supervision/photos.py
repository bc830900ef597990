"""Uploaded photos: checked by decoding (never by extension), capped in size, resized to at most
1600 px, EXIF stripped — only the GPS block is kept, and only if the uploader asks."""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 50_000_000  # decompression bombs
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
GPS_IFD = 0x8825


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
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("This photo is too large."))
            probe.verify()
        image = Image.open(io.BytesIO(data))
        exif = image.getexif()
        gps = exif.get_ifd(GPS_IFD) if keep_location else {}
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGB")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not a photo we can read.")) from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
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
