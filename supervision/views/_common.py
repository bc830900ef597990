"""What the view modules of stage 4 share: a service's errors on a form, the project or 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from .. import selectors


def _apply(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form (fields it knows, else non-field)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _project_or_404(request, pk):
    project = selectors.project_for_user(request.user, pk)
    if project is None:
        raise Http404
    return project


def _group(project):
    return getattr(project, "supervision_group", None)
