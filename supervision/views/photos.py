"""A photo of a progress report or an inspection, for users who may see its project."""

from __future__ import annotations

from csp.decorators import csp
from django.contrib.auth.decorators import login_required
from django.http import Http404

from livelihood.downloads import protected_file

from .. import selectors
from ..models import Photo

# Opened on its own, a photo is shown by the browser's image viewer, which styles its page
# inline; the response holds a JPEG and no markup of ours, so allow just that.
PHOTO_CSP = {
    "default-src": ["'none'"],
    "img-src": ["'self'"],
    "style-src": ["'unsafe-inline'"],
    "frame-ancestors": ["'self'"],
}


@csp(PHOTO_CSP)
@login_required
def photo(request, pk):
    photo = (
        Photo.objects.select_related("inspection__project", "report__project").filter(pk=pk).first()
    )
    if photo is None:
        raise Http404
    owner = photo.inspection or photo.report
    if selectors.project_for_user(request.user, owner.project_id) is None:
        raise Http404
    response = protected_file(photo.file.name, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
