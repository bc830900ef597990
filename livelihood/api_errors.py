"""One place that turns the services' Django exceptions into API answers.

Services raise Django's ``ValidationError`` (a rule refused the action) and
``PermissionDenied``; pages show them as form errors and 403 pages. For /api/v1/ DRF already
answers ``PermissionDenied`` and ``Http404``; this handler adds ``ValidationError`` as a 400
with the field messages (or ``detail``), so viewsets call services without an ``except``
clause each."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": exc.messages})
    return drf_exception_handler(exc, context)
