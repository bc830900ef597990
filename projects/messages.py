"""User messages for the refusals the projects services raise: each table turns a domain
code into a sentence for the user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from livelihood import xlsx

if TYPE_CHECKING:
    from . import domain
    from . import xlsx as xlsx_format


def decision_message(code: str) -> str:
    return {
        "locked": _("The candidate list is locked; shortlisting decisions cannot change."),
        "unknown": _("Unknown decision."),
        "no_reason": _("Write the reason for the decision."),
        "not_in_pool": _("The project did not reach this round."),
        "later_round_decided": _(
            "A later round has already decided on this project; change that decision first."
        ),
    }.get(code, code)


def lock_refusal_message(check: domain.ListCheck) -> str:
    if check.code == "empty":
        return _("The candidate list is empty.")
    if check.code == "competitive_too_few":
        return _(
            "A competitive vote (差额) needs more candidates than slots: %(candidates)s "
            "candidates for %(slots)s slots. Advance more projects in the last round or "
            "lower the number of slots."
        ) % {"candidates": check.candidates, "slots": check.slots}
    if check.code == "equal_mismatch":
        return _(
            "An equal vote (等额) needs exactly as many candidates as slots: %(candidates)s "
            "candidates for %(slots)s slots."
        ) % {"candidates": check.candidates, "slots": check.slots}
    return _("The plan has no slots.")


def import_row_message(code: str, *, county: bool = False, example: str = "") -> str:
    """The sentence for a bad cell; ``county`` for a county congress's file, where villages
    and deputies are looked up in the whole county; ``example`` a qualified village name
    ("青石镇东河村") for an ambiguous bare one."""
    if county:
        by_county = {
            "village": _("No village of this name in the county."),
            "village_ambiguous": _(
                "Several villages of the county have this name: write the township too, "
                "e.g. %(example)s."
            )
            % {"example": example},
            "deputy": _("No county deputy in office of this name in the county."),
        }
        if code in by_county:
            return by_county[code]
    return {
        "required": _("This cell is required."),
        "too_long": _("Too long."),
        "channel": _("Unknown channel: write e.g. 村民会议, 入户走访, 接待日, 来信, 联络站."),
        "village": _("No village of this name in the township."),
        "deputy": _("No deputy of this name in the township."),
        "number": _("Not a number of 10,000 yuan."),
        "date": _("Not a date: write e.g. 2027-10-31."),
        "phone": _("Not a valid phone number."),
    }.get(code, code)


def import_file_message(error: xlsx_format.SuggestionFileError) -> str:
    return xlsx.file_error_message(error, empty=_("The workbook has no suggestions in it."))
