""".xlsx import of suggestions collected offline."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from congress.audit import AuditAction
from congress.models import Deputy, Township, Village
from congress.services import audit_record
from livelihood import xlsx

from .. import domain
from .. import xlsx as xlsx_format
from ..messages import import_file_message, import_row_message
from ..models import Suggestion
from ..permissions import user_can_triage_suggestions
from ._base import _require
from .suggestions import _save_new_suggestion

RowError = xlsx.RowError  # the shared (row, column, header, message) of an .xlsx import


class SuggestionImportError(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@transaction.atomic
def suggestion_import(*, actor, township: Township, data: bytes) -> list[Suggestion]:
    """Create suggestions collected offline from an .xlsx file. All or nothing: every bad
    cell is reported (row, column, reason) and nothing is written if any row is bad."""
    _require(user_can_triage_suggestions(actor, township))
    try:
        rows = xlsx_format.read_rows(data)
    except xlsx_format.SuggestionFileError as exc:
        raise SuggestionImportError([RowError(None, "", "", import_file_message(exc))]) from exc
    villages = {v.name: v for v in Village.objects.filter(township=township)}
    deputies: dict[str, Deputy] = {}
    for deputy in Deputy.objects.filter(township=township).order_by("-in_office", "pk"):
        deputies.setdefault(deputy.name, deputy)
    errors: list[RowError] = []
    parsed = []
    for number, raw in rows:
        result = domain.parse_suggestion_row(
            raw, village_names=set(villages), deputy_names=set(deputies)
        )
        for key, code in result.errors:
            errors.append(
                RowError(
                    number,
                    xlsx_format.column_letter(key),
                    xlsx_format.column_header(key),
                    import_row_message(code),
                )
            )
        parsed.append((number, result.values))
    if errors:
        raise SuggestionImportError(errors)
    created = []
    for number, values in parsed:
        values = dict(values)
        channel = values.pop("channel")
        deputy = deputies.get(values.pop("deputy")) if values.get("deputy") else None
        values.pop("deputy", None)
        values["village"] = villages.get(values.pop("village")) or None
        suggestion = Suggestion(
            township=township, channel=channel, deputy=deputy, entered_by=actor, **values
        )
        try:
            _save_new_suggestion(suggestion)
        except ValidationError as exc:
            raise SuggestionImportError([RowError(number, "", "", " ".join(exc.messages))]) from exc
        created.append(suggestion)
    audit_record(
        actor=actor,
        action=AuditAction.SUGGESTION_IMPORT,
        obj=township,
        township=township,
        after={"created": len(created)},
    )
    return created
