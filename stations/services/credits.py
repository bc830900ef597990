"""Manual duty items credited by staff, with evidence: a sentence and, if given, a photo or
a PDF (checked by content, never by the file's name)."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.models import Deputy
from congress.services import audit_record

from ..models import DutyItem, ManualCredit
from ..permissions import user_can_manage_stations
from ._base import _require

MAX_EVIDENCE_BYTES = 8 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def evidence_check(upload) -> tuple[ContentFile, str]:
    """(the file to store, its content type) or ValidationError. A PDF is kept as sent (its
    header and size checked); a photo is decoded, shrunk and re-encoded as JPEG without its
    metadata by supervision's photo pipeline (the same limits as inspection photos)."""
    from supervision.photos import process_photo

    size = getattr(upload, "size", None)
    if size is not None and size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"evidence_file": _("The evidence file may be at most 8 MB.")})
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        data = upload.read(MAX_EVIDENCE_BYTES + 1)
        if len(data) > MAX_EVIDENCE_BYTES:
            raise ValidationError({"evidence_file": _("The evidence file may be at most 8 MB.")})
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError({"evidence_file": _("This PDF is damaged or incomplete.")})
        return ContentFile(data, name=f"{uuid.uuid4().hex}.pdf"), "application/pdf"
    not_an_image = _not_an_image(upload)
    if not_an_image:
        raise ValidationError({"evidence_file": _("Upload a photo (JPEG, PNG or WebP) or a PDF.")})
    try:
        content, _width, _height, _kept = process_photo(upload)
    except ValidationError as exc:
        raise ValidationError({"evidence_file": exc.messages}) from None
    return content, "image/jpeg"


def _not_an_image(upload) -> bool:
    """True when the header is no image Pillow reads (a Word file, a zip, text). A header
    past Pillow's own pixel limit is an image, refused by ``process_photo`` as too large."""
    from supervision.photos import photo_header

    try:
        return photo_header(upload) is None
    except ValidationError:
        return False


def manual_credit_record(
    *,
    actor,
    deputy: Deputy,
    item: DutyItem,
    date: datetime.date,
    evidence: str,
    evidence_file=None,
) -> ManualCredit:
    """Credit a manual item's points to a deputy. The file (if any) is checked and decoded
    before the transaction opens, and only for someone allowed to credit."""
    _require(user_can_manage_stations(actor, deputy.township))
    checked = evidence_check(evidence_file) if evidence_file else None
    return _record(
        actor=actor, deputy=deputy, item=item, date=date, evidence=evidence, checked=checked
    )


@transaction.atomic
def _record(*, actor, deputy, item, date, evidence, checked) -> ManualCredit:
    if item.township_id != deputy.township_id or not item.is_manual:
        raise ValidationError({"item": _("Choose a manual duty item of this township.")})
    if not evidence.strip():
        raise ValidationError({"evidence": _("Describe the evidence.")})
    credit = ManualCredit(
        deputy=deputy,
        item=item,
        date=date,
        points=item.points,
        evidence=evidence.strip(),
        recorded_by=actor,
    )
    credit.full_clean()
    if checked is not None:
        content, content_type = checked
        credit.evidence_file.save(content.name, content, save=False)
        credit.evidence_type = content_type
    credit.save()
    audit_record(
        actor=actor,
        action=AuditAction.STATION_MANUAL_CREDIT,
        obj=credit,
        township=deputy.township,
        after={
            "deputy": deputy.pk,
            "item": item.code,
            "points": item.points,
            "file": bool(checked),
        },
    )
    return credit
