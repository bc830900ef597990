"""Chinese first, English complete: every interface string has a Chinese translation that
keeps its placeholders, and both catalogues hold the same messages."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%s|%d|\{[a-z_]*\}")


def catalogue(lang: str, domain: str = "django") -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"))


def test_default_language_is_simplified_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]


def test_every_message_has_a_chinese_translation():
    zh = catalogue("zh_Hans")
    untranslated = [e.msgid for e in zh if not e.translated() or "fuzzy" in e.flags]
    assert untranslated == []


def test_translations_keep_their_placeholders():
    for entry in catalogue("zh_Hans"):
        if entry.msgid_plural:
            for text in entry.msgstr_plural.values():
                assert sorted(PLACEHOLDER.findall(text)) == sorted(
                    PLACEHOLDER.findall(entry.msgid_plural)
                ), entry.msgid
        elif entry.msgstr:  # an empty translation falls back to the English text
            assert sorted(PLACEHOLDER.findall(entry.msgstr)) == sorted(
                PLACEHOLDER.findall(entry.msgid)
            ), entry.msgid


@pytest.mark.parametrize("domain", ["django"])
def test_english_catalogue_has_the_same_messages(domain):
    zh = {e.msgid for e in catalogue("zh_Hans", domain)}
    en = {e.msgid for e in catalogue("en", domain)}
    assert zh == en


def test_compiled_catalogues_are_current():
    """make setup compiles .po files; a stale .mo would show old wording."""
    for po in LOCALE.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, po


def test_a_persons_name_is_labelled_xingming():
    """Context matters: a person's name is 姓名, a place's is 名称."""
    from django.utils import translation
    from django.utils.translation import gettext, pgettext

    with translation.override("zh-hans"):
        assert pgettext("person", "name") == "姓名"
        assert gettext("name") == "名称"
