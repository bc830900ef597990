"""Generated and uploaded files leave only through views that check scope.

No URL serves MEDIA_ROOT (livelihood/urls.py); a view that has checked the caller's right
returns the file with ``protected_file``. Behind nginx (deploy/nginx.conf) the view answers
with an empty body and ``X-Accel-Redirect`` to an ``internal`` location, so nginx streams
the file and a gunicorn worker is not held for a large PDF; a client asking nginx for that
location directly gets 404. Without ``LIVELIHOOD_ACCEL_REDIRECT`` (``make run``, tests) the
view streams the file itself.

With the files in S3-compatible object storage (livelihood.settings.cluster) the objects are
private; the view answers ``X-Accel-Redirect`` to nginx's ``internal`` store location with a
presigned path valid for a minute, so nginx fetches the object from the store and streams it.
The client never sees a store URL, and the internal location answers 404 to a client."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse


def protected_file(
    name: str, *, content_type: str, filename: str | None = None, as_attachment: bool = False
):
    """The stored file ``name`` (relative to the default storage), or 404 if it is gone."""
    prefix = getattr(settings, "LIVELIHOOD_ACCEL_REDIRECT", "")
    if prefix:
        if not default_storage.exists(name):
            raise Http404
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = _accel_target(prefix, name)
        if filename:
            disposition = "attachment" if as_attachment else "inline"
            response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
        return response
    try:
        handle = default_storage.open(name, "rb")
    except OSError:
        raise Http404 from None
    return FileResponse(
        handle, content_type=content_type, as_attachment=as_attachment, filename=filename or ""
    )


def _accel_target(prefix: str, name: str) -> str:
    """Where nginx fetches ``name``: under the local media alias, or — object storage — the
    presigned path (bucket/key?signature) under the internal location that proxies to it."""
    if hasattr(default_storage, "bucket_name"):  # django-storages' S3Storage
        signed = urlsplit(default_storage.url(name))
        target = prefix.rstrip("/") + signed.path
        return f"{target}?{signed.query}" if signed.query else target
    return prefix.rstrip("/") + "/" + quote(name)
