"""Text that people read in lists: normalised once, at the edge, and refused when it would
blank out or spoof an entry.

A title of zero-width characters shows as an empty row in a triage list; a right-to-left
override turns "路灯改造 (东河村)" into something that reads differently from what is stored.
Titles and names are therefore normalised to NFC (so the same characters typed on two phones
compare equal) and refused when they hold control, bidirectional or invisible format
characters, or nothing visible at all. Long free text (a suggestion's content, an answer)
is normalised but keeps its line breaks.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Bidirectional embeddings, overrides and isolates, and the implicit marks.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Zero-width characters that show nothing. U+200D (zero-width joiner) is kept: it joins emoji
# sequences such as 👨‍👩‍👧, and on its own it is caught by the "nothing visible" rule.
INVISIBLE = frozenset("\u200b\u200c\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad")
ALLOWED_CONTROLS_MULTILINE = frozenset("\n\r\t")

MESSAGES = {
    "bidi": _(
        "Remove the text-direction control characters: they make the text read differently "
        "from what is stored."
    ),
    "invisible": _("Remove the invisible characters (zero-width spaces and the like)."),
    "control": _("Remove the control characters."),
    "blank": _("Enter visible text, not only spaces or invisible characters."),
}


def normalize(value: str) -> str:
    """NFC, the form every comparison and search assumes."""
    return unicodedata.normalize("NFC", value)


def problem(value: str, *, multiline: bool = False) -> str | None:
    """The first reason ``value`` may not be stored as a title or name, or None."""
    visible = False
    for char in value:
        if char in BIDI_CONTROLS:
            return "bidi"
        if char in INVISIBLE:
            return "invisible"
        category = unicodedata.category(char)
        if category == "Cc":
            if multiline and char in ALLOWED_CONTROLS_MULTILINE:
                continue
            return "control"
        if category in ("Cf", "Cs", "Co", "Cn") and char != "\u200d":
            # Other format characters (tags, deprecated formatting), lone surrogates, private
            # use and unassigned code points: none belongs in a title.
            return "invisible"
        if not visible and not char.isspace() and category not in ("Mn", "Me", "Cf"):
            visible = True
    if value and not visible:
        return "blank"
    return None


def validate_line(value: str) -> None:
    """A validator for titles and names (one line)."""
    reason = problem(value)
    if reason:
        raise ValidationError(MESSAGES[reason], code=f"text_{reason}")


def validate_multiline(value: str) -> None:
    """A validator for free text: line breaks and tabs allowed, the rest as for a line."""
    reason = problem(value, multiline=True)
    if reason and reason != "blank":
        raise ValidationError(MESSAGES[reason], code=f"text_{reason}")


class CleanTextMixin:
    """For models whose titles and names appear in lists.

    ``full_clean()`` (called by every ModelForm and by the services before saving) normalises
    the fields named in ``line_text_fields`` and ``multiline_text_fields`` to NFC and refuses
    control, bidi and invisible characters with a message on the field. No database change:
    the rule lives in Python, where forms, the API and imports all pass."""

    line_text_fields: tuple[str, ...] = ()
    multiline_text_fields: tuple[str, ...] = ()

    def clean_fields(self, exclude=None):
        errors: dict[str, list] = {}
        exclude = set(exclude or ())
        for names, validator in (
            (self.line_text_fields, validate_line),
            (self.multiline_text_fields, validate_multiline),
        ):
            for name in names:
                if name in exclude:
                    continue
                value = getattr(self, name, None)
                if not isinstance(value, str):
                    continue
                value = normalize(value)
                setattr(self, name, value)
                try:
                    validator(value)
                except ValidationError as exc:
                    errors.setdefault(name, []).extend(exc.error_list)
        try:
            super().clean_fields(exclude=exclude)  # type: ignore[misc]
        except ValidationError as exc:
            for name, field_errors in exc.error_dict.items():
                errors.setdefault(name, []).extend(field_errors)
        if errors:
            raise ValidationError(errors)
