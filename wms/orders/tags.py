"""An order's tags (订单标签): words a person typed (a supervisor's tag rule, an import's Tags column, a
platform's tags), shown on screens as data, never as codes. Pure: stdlib only.

A tag is kept as typed with its whitespace normalised (runs of spaces, tabs, newlines and full-width
spaces become one space; the ends trimmed) and at most MAX_LENGTH characters; control characters are
refused. Two tags are the same tag when their keys are equal: the normalised text case-folded (so
`VIP` and `vip` are one tag; the first spelling seen is kept). Filters (the review desk, waves)
compare keys.
"""
import re
import unicodedata

MAX_LENGTH = 40          # as the import's Tags column allows
MAX_TAGS = 20            # an order carries at most this many (a rule adds at most this many)

_SPACES = re.compile(r"\s+")   # str patterns: \s is Unicode whitespace (U+3000 included)


def normalise(text):
    """`text` with whitespace runs as one space and the ends trimmed (NFC: one spelling per word)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text or ""))).strip()


def key(text):
    """What two tags are compared by: normalised and case-folded."""
    return normalise(text).casefold()


def problem(text):
    """Why `text` cannot be a tag (an English template and its values), or None when it can."""
    tag = normalise(text)
    if not tag:
        return ("A tag cannot be empty", {})
    if len(tag) > MAX_LENGTH:
        return ("A tag is at most {limit} characters", {"limit": MAX_LENGTH})
    if any(unicodedata.category(ch)[0] == "C" for ch in tag):
        return ("A tag cannot hold control characters", {})
    return None


def split(text):
    """'VIP，加急; 复购' -> ['VIP', '加急', '复购']: a typed list, commas or semicolons (ASCII or full-width)
    or new lines between tags; blanks dropped, each normalised."""
    return [tag for tag in (normalise(part) for part in re.split(r"[,，;；\n]", str(text or ""))) if tag]


def merged(existing, added):
    """`existing` followed by each of `added` not already there (by key), in order, while the order has
    fewer than MAX_TAGS; what was there keeps its spelling and place. Merging again what is already
    merged changes nothing."""
    out, seen = [], set()
    for tag in existing or ():
        tag_key = key(tag)
        if tag_key and tag_key not in seen:
            seen.add(tag_key)
            out.append(tag)
    for tag in added or ():
        tag_key = key(tag)
        if tag_key and tag_key not in seen and len(out) < MAX_TAGS:
            seen.add(tag_key)
            out.append(normalise(tag))
    return out


def keys_of(tags):
    """The keys of a list of tags (a frozenset), for filters."""
    return frozenset(k for k in (key(t) for t in tags or ()) if k)
