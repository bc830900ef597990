"""Where the layer above the stages adds later stages' steps to a project's lineage
(connected in cycle/apps.py). Projects never imports a later stage.

``lineage_contributors``: callables ``(project) -> dict`` whose keys are fields of
``projects.selectors.Lineage`` (``votes``, ``ratings``, ``progress``)."""

from __future__ import annotations

from collections.abc import Callable

lineage_contributors: list[Callable] = []


def contribute_to_lineage(contributor: Callable) -> None:
    if contributor not in lineage_contributors:
        lineage_contributors.append(contributor)


def lineage_extras(project) -> dict:
    out: dict = {}
    for contributor in lineage_contributors:
        out.update(contributor(project))
    return out
