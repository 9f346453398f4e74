"""Sentences the server makes for people (hold reasons and the like), kept translatable. Pure.

A wording is an English template (the catalogue key, as everywhere in wms.i18n) and the values
it is filled with: `wording("payment not confirmed ({status})", status="pending")`. It is stored
as plain JSON next to its English text, so each reader sees it in their own language
(wms.i18n.render) while logs, APIs and older rows keep the English. A value may itself be a
wording, or a list of wordings and texts (several problems with one address): each is translated
on its own, and the list is joined.
"""

TEXT, VALUES = "text", "values"
LIST_SEPARATOR = "; "


def wording(template, **values):
    """The JSON-ready wording of `template` filled with `values`."""
    return {TEXT: template, VALUES: values}


def is_wording(value):
    return isinstance(value, dict) and isinstance(value.get(TEXT), str)


def fill(item, phrase, separator=LIST_SEPARATOR):
    """`item` in words: a wording's template, put into words by `phrase(template)` (a translation,
    or the template itself), filled with its values put into words the same way."""
    if is_wording(item):
        values = {name: fill(value, phrase, separator) for name, value in (item.get(VALUES) or {}).items()}
        return phrase(item[TEXT]).format(**values) if values else phrase(item[TEXT])
    if isinstance(item, (list, tuple)):
        return separator.join(fill(part, phrase, separator) for part in item)
    return str(item)


def english(item):
    """The English text of a wording (what older readers and the logs get)."""
    return fill(item, lambda template: template)
