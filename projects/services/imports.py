""".xlsx import of suggestions collected offline, into a township's intake or a county
congress's (issue 17)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from congress.audit import AuditAction
from congress.models import County, Deputy, Township, Village
from congress.services import audit_record
from livelihood import xlsx

from .. import domain
from .. import xlsx as xlsx_format
from ..messages import import_file_message, import_row_message
from ..models import Suggestion, body_fields
from ..permissions import is_county, user_can_triage_suggestions
from ._base import _require
from .bodies import audit_body, body_of
from .suggestions import _save_new_suggestion

RowError = xlsx.RowError  # the shared (row, column, header, message) of an .xlsx import


class SuggestionImportError(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass
class _Names:
    """What the file's village and deputy cells may name in one body."""

    villages: dict[str, Village]
    deputies: dict[str, Deputy]
    county: bool = False
    ambiguous: frozenset[str] = frozenset()
    examples: dict[str, str] = field(default_factory=dict)  # ambiguous name -> qualified one

    def village_cell(self, raw) -> str:
        return domain.compact_village_name(raw) if self.county else raw


def _township_names(township: Township) -> _Names:
    villages = {v.name: v for v in Village.objects.filter(township=township)}
    deputies: dict[str, Deputy] = {}
    for deputy in Deputy.objects.filter(township=township).order_by("-in_office", "pk"):
        deputies.setdefault(deputy.name, deputy)
    return _Names(villages=villages, deputies=deputies)


def _county_villages(county: County) -> list[Village]:
    return list(
        Village.objects.filter(township__county=county)
        .select_related("township")
        .order_by("township_id", "pk")
    )


def example_village(body) -> str:
    """The template's example village: one of the body's, for a county in the
    "<township><village>" form a county's file always accepts."""
    if is_county(body):
        village = next(iter(_county_villages(body)), None)
        return village.township.name + village.name if village else ""
    return body.villages.values_list("name", flat=True).first() or ""


def _county_names(county: County) -> _Names:
    """A county's villages by "<township><village>", or by their bare name where only one
    township of the county has it; its county deputies in office by name."""
    rows = _county_villages(county)
    names, ambiguous = domain.county_village_names((v.pk, v.township.name, v.name) for v in rows)
    by_pk = {v.pk: v for v in rows}
    examples: dict[str, str] = {}
    for v in rows:
        examples.setdefault(domain.compact_village_name(v.name), v.township.name + v.name)
    deputies: dict[str, Deputy] = {}
    for deputy in Deputy.objects.filter(
        township__county=county, is_county_deputy=True, in_office=True
    ).order_by("pk"):
        deputies.setdefault(deputy.name, deputy)
    return _Names(
        villages={name: by_pk[pk] for name, pk in names.items()},
        deputies=deputies,
        county=True,
        ambiguous=ambiguous,
        examples=examples,
    )


@transaction.atomic
def suggestion_import(
    *,
    actor,
    township: Township | None = None,
    county: County | None = None,
    data: bytes,
) -> list[Suggestion]:
    """Create suggestions collected offline from an .xlsx file in a township's intake or a
    county congress's. All or nothing: every bad cell is reported (row, column, reason) and
    nothing is written if any row is bad."""
    body = body_of(township=township, county=county)
    _require(user_can_triage_suggestions(actor, body))
    try:
        rows = xlsx_format.read_rows(data)
    except xlsx_format.SuggestionFileError as exc:
        raise SuggestionImportError([RowError(None, "", "", import_file_message(exc))]) from exc
    names = _county_names(body) if is_county(body) else _township_names(body)
    errors: list[RowError] = []
    parsed = []
    for number, raw in rows:
        raw = {**raw, "village": names.village_cell(raw.get("village"))}
        result = domain.parse_suggestion_row(
            raw,
            village_names=names.villages.keys(),
            deputy_names=names.deputies.keys(),
            ambiguous_villages=names.ambiguous,
        )
        for key, code in result.errors:
            message = import_row_message(
                code,
                county=names.county,
                example=names.examples.get(result.values.get("village", ""), ""),
            )
            errors.append(
                RowError(
                    number,
                    xlsx_format.column_letter(key),
                    xlsx_format.column_header(key),
                    message,
                )
            )
        parsed.append((number, result.values))
    if errors:
        raise SuggestionImportError(errors)
    created = []
    for number, values in parsed:
        values = dict(values)
        channel = values.pop("channel")
        deputy = names.deputies.get(values.pop("deputy")) if values.get("deputy") else None
        values.pop("deputy", None)
        values["village"] = names.villages.get(values.pop("village")) or None
        suggestion = Suggestion(
            **body_fields(body), channel=channel, deputy=deputy, entered_by=actor, **values
        )
        try:
            _save_new_suggestion(suggestion)
        except ValidationError as exc:
            raise SuggestionImportError([RowError(number, "", "", " ".join(exc.messages))]) from exc
        created.append(suggestion)
    audit_record(
        actor=actor,
        action=AuditAction.SUGGESTION_IMPORT,
        obj=body,
        **audit_body(body),
        after={"created": len(created)},
    )
    return created
