"""Text that is stored (titles, reasons, departments) and printed on official documents is
always in the site's language, whatever language the person — or the command — triggering it
reads. Mark the message with gettext_noop so it is still extracted."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext


def in_site_language(msgid: str, **params) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext(msgid)
        return text % params if params else text
