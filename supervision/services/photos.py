"""Photos attached to a progress report or an inspection: all decoded before anything is
written, then saved."""

from __future__ import annotations

from ..models import Photo


def _save_photos(*, actor, uploads, keep_location: bool, **owner) -> list[Photo]:
    from ..photos import process_photo

    photos = []
    for upload in uploads or ():
        content, width, height, kept = process_photo(upload, keep_location=keep_location)
        photo = Photo(width=width, height=height, has_location=kept, uploaded_by=actor, **owner)
        photo.file.save(content.name, content, save=False)
        photo.save()
        photos.append(photo)
    return photos


def _check_photos(uploads, keep_location) -> list:
    """Decode every upload before anything is written; returns them rewound."""
    from ..photos import process_photo

    for upload in uploads or ():
        process_photo(upload, keep_location=keep_location)
        upload.seek(0)
    return list(uploads or ())
