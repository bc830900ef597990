"""Where the layer above the stages plugs later stages into voting (connected in
cycle/apps.py). Voting never imports a later stage: it announces what happened and asks for
what it needs, and the cycle layer answers.

- ``vote_published`` (a Django signal, sent inside ``vote_publish``'s transaction, so what a
  receiver does commits or rolls back with the publication): ``sender`` is the Vote class,
  ``vote`` and ``actor`` the published vote and who published it. The cycle layer marks the
  projects' outcomes and starts supervision (a project vote), or files the rectifications and
  priorities the evaluation rules ask for (a satisfaction evaluation).
- ``project_evidence(project)``: supervision's record of a project, snapshotted onto an
  evaluation's ballot; None until a provider is connected.
"""

from __future__ import annotations

from collections.abc import Callable

from django.dispatch import Signal

vote_published = Signal()

_evidence_provider: Callable | None = None


def provide_project_evidence(provider: Callable) -> None:
    global _evidence_provider
    _evidence_provider = provider


def project_evidence(project) -> dict | None:
    return _evidence_provider(project) if _evidence_provider is not None else None
