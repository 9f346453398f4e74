"""zh-CN and English, chosen per user. Text is keyed by its English wording (like gettext).

Each feature keeps its Chinese catalogue in wms/translations/zh_CN/<feature>.json so that the
scanner messages, the pages and the API errors are translated in one way. English has a catalogue
too, wms/translations/en/: the codes a page shows by name (an order's state `on_hold`, a field
`buyer_name`) read as words there ("On hold", "Buyer name"), as they do in Chinese.
"""
import json
from pathlib import Path

from flask import g, has_request_context, request
from flask_login import current_user

from wms import wording

LOCALES = ("zh_CN", "en")
# Each language named in its own language (the language menus): a reader finds theirs whatever
# language the page is in.
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}
_CATALOGUE_DIR = Path(__file__).parent / "translations"
_catalogues = {}


def _catalogue(locale):
    if locale not in _catalogues:
        merged = {}
        for path in sorted((_CATALOGUE_DIR / locale).glob("*.json")):
            merged.update(json.loads(path.read_text(encoding="utf-8")))
        _catalogues[locale] = merged
    return _catalogues[locale]


def current_locale(default="zh_CN"):
    """The logged-in user's locale, else ?lang=, else the browser's preference."""
    if not has_request_context():
        return default
    if "wms_locale" in g:
        return g.wms_locale
    locale = request.args.get("lang")
    if locale not in LOCALES and getattr(current_user, "is_authenticated", False):
        locale = getattr(current_user, "locale", None)
    if locale not in LOCALES:
        best = request.accept_languages.best_match(["zh", "zh-CN", "en"], default="zh")
        locale = "en" if best == "en" else default
    g.wms_locale = locale
    return locale


def translate(text, locale=None, **values):
    """`text` in the locale (English is the key; a code is its English name), with {name}
    placeholders filled."""
    locale = locale or current_locale()
    text = _catalogue(locale).get(text, text)
    return text.format(**values) if values else text


_ = translate

LIST_SEPARATORS = {"zh_CN": "；", "en": wording.LIST_SEPARATOR}


def render(item, locale=None):
    """A wording (wms.wording) in the locale: its template and every wording among its values
    translated; a plain text is translated when the catalogue has it, else shown as it is."""
    locale = locale or current_locale()
    return wording.fill(item, lambda template: translate(template, locale),
                        LIST_SEPARATORS.get(locale, wording.LIST_SEPARATOR))


def reason_text(reason, locale=None):
    """A hold reason's detail for the reader: its wording when it has one (older reasons and
    reasons people typed have only their text)."""
    if wording.is_wording(reason.get("wording")):
        return render(reason["wording"], locale)
    return translate(reason.get("detail") or "", locale)


def event_text(event, locale=None):
    """An order event's reason for the reader (the timeline): its wording when the server made it,
    else its text (typed by a person, or written before events had wordings)."""
    if wording.is_wording(event.wording):
        return render(event.wording, locale)
    return translate(event.reason or "", locale)


def language_name(locale):
    """A locale's name in its own language (`zh_CN` -> 中文); an unknown code as it is."""
    return LANGUAGE_NAMES.get(locale, locale)


# Who did it, when no person did: the names the server writes into actor columns (`actor_name`,
# `created_by`...), read as words. A person's username is shown as it is.
MACHINE_ACTORS = {"system": "System", "auto-review": "Automatic review", "auto-wave": "Automatic wave",
                  "channel-sync": "Channel sync", "carrier-tracking": "Carrier tracking"}


def actor_text(name, locale=None):
    """Who did something, for the reader: the server's own names translated, a username as it is."""
    return translate(MACHINE_ACTORS[name], locale) if name in MACHINE_ACTORS else (name or "")


def catalogue_for_client(locale):
    """The whole catalogue for the PWA, which translates offline."""
    return {} if locale == "en" else dict(_catalogue(locale))
