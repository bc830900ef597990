"""Chinese names in 姓氏笔画 order (by the strokes of the surname), as rosters are printed.

PostgreSQL's collations here cannot do it (the embedded server has no ICU), so each name's ICU
sort key for ``zh@collation=stroke`` is stored next to it (``Deputy.name_sort_key``) and lists
order by that column: byte order of the keys is the collation's order.

Needs PyICU (PyPI ``pyicu``). Without it the key falls back to the name's UTF-8 bytes (code
point order, the old behaviour) and a warning is logged; saving a deputy again (the roster
import does) stores the proper key once it is installed.
"""

from __future__ import annotations

import functools
import logging

logger = logging.getLogger(__name__)

LOCALE = "zh@collation=stroke"


@functools.cache
def _collator():
    try:
        import icu
    except ImportError:
        logger.warning("PyICU is not installed: deputies sort by code point, not by strokes")
        return None
    return icu.Collator.createInstance(icu.Locale(LOCALE))


def stroke_sort_key(name: str) -> bytes:
    """The bytes that order ``name`` by the strokes of its surname, then of the given name."""
    collator = _collator()
    name = name or ""
    if collator is None:
        return name.encode("utf-8")
    # One shared collator: ICU allows concurrent calls of its const methods (getSortKey).
    return bytes(collator.getSortKey(name))


def uses_icu() -> bool:
    return _collator() is not None
