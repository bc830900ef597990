"""Form widgets whose value the browser's own controls can read, in every language.

An ``<input type="date">`` only accepts ``YYYY-MM-DD``; Django's ``DateInput`` renders the
active locale's first input format instead (``2026/12/31`` in Simplified Chinese), which
the browser rejects: the field shows empty and the form then saves it empty. The same holds
for ``datetime-local`` and ``time``. ``<input type="number">`` accepts only a plain decimal
number, so a thousand separator or a decimal comma must never reach it. The browser shows
these values in the user's own locale anyway.

Every form uses these widgets for dates, times and numbers; ``livelihood/formats`` also puts
ISO first in the Chinese input formats so a widget left behind (the admin's) renders ISO.
"""

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
ISO_TIME = "%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 - Django's own argument name
        super().__init__(attrs, format=format or ISO_DATE)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):  # noqa: A002
        super().__init__(attrs, format=format or ISO_DATETIME_LOCAL)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None, format=None):  # noqa: A002
        super().__init__(attrs, format=format or ISO_TIME)


class NumberInput(forms.NumberInput):
    """Renders ``str(value)`` even when the field is localised (``localize=True``)."""

    def format_value(self, value):
        if value == "" or value is None:
            return None
        return str(value)


class DecimalInput(NumberInput):
    """A money or measure input: two decimals, never negative, a decimal keypad on phones."""

    def __init__(self, attrs=None):
        super().__init__({"min": 0, "step": "0.01", "inputmode": "decimal", **(attrs or {})})
