"""Pure: what a floor event may carry, checked before anything touches the database.

A handheld or a pack station sends events as JSON objects. Before an event reaches its handler (or
a statement), `clean_event` checks its shape and bounds: the whole payload fits in a few KB, the
uuid and kind are short plain strings, every known field has its type and fits its column
(integers within PostgreSQL's 32-bit `integer`, strings length-capped and free of NUL bytes and
lone surrogates, which PostgreSQL and UTF-8 refuse), and fields nobody reads are dropped, so what is
stored is what was checked. A problem is one sentence naming the field; the event is then answered
`bad_event` and nothing is written.
"""
import re
from dataclasses import dataclass

INT32_MAX = 2**31 - 1  # PostgreSQL `integer` columns (ids, quantities, sequence numbers)
MAX_EVENT_BYTES = 4096  # a real event is ~200 bytes; a 900 KB "pick" is not one
MAX_DEPTH = 4

_UUID = re.compile(r"[A-Za-z0-9_.:-]{8,36}")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL, and surrogates left unpaired by the JSON decoder


@dataclass(frozen=True)
class Int:
    """A whole number (not a bool) within [low, high]."""

    low: int = -INT32_MAX
    high: int = INT32_MAX

    def problem(self, name, value):
        if not isinstance(value, int) or isinstance(value, bool):
            return f"{name} must be a whole number"
        if not self.low <= value <= self.high:
            return f"{name} must be from {self.low} to {self.high}"
        return None


@dataclass(frozen=True)
class Text:
    """A string of at most `max_length` characters, with no NUL byte and no lone surrogate."""

    max_length: int

    def problem(self, name, value):
        if not isinstance(value, str):
            return f"{name} must be text"
        return text_problem(name, value, self.max_length)


ID = Int(1, INT32_MAX)
ENVELOPE = {"uuid": Text(36), "kind": Text(30), "seq": Int(0, INT32_MAX), "device": Text(64), "task_id": Int(0)}


def text_problem(name, value, max_length):
    """Why `value` cannot be stored as text of at most `max_length` characters; None when it can."""
    if len(value) > max_length:
        return f"{name} is longer than {max_length} characters"
    if _UNSTORABLE.search(value):
        return f"{name} contains a NUL byte or an unpaired surrogate"
    return None


def clean_event(event, fields, max_bytes=MAX_EVENT_BYTES):
    """(the event with only the envelope and `fields` of its kind, None) or (None, the problem).

    `fields` maps a field name to its Int / Text; None values count as absent."""
    if not isinstance(event, dict):
        return None, "an event must be an object"
    if _over_budget(event, max_bytes, MAX_DEPTH) < 0:
        return None, f"an event must be at most {max_bytes} bytes"
    uuid = event.get("uuid")
    if not isinstance(uuid, str) or not _UUID.fullmatch(uuid):
        return None, "uuid must be 8-36 letters, digits or - _ . :"
    if not isinstance(event.get("kind"), str):
        return None, "kind is required"
    clean = {}
    for name, spec in (*ENVELOPE.items(), *fields.items()):
        value = event.get(name)
        if value is None:
            continue
        problem = spec.problem(name, value)
        if problem:
            return None, problem
        clean[name] = value
    return clean, None


def _over_budget(value, budget, depth):
    """`budget` less the JSON size of `value` (roughly); negative as soon as it runs out. Stops early, so a
    huge or deeply nested payload costs no more than the budget to look at."""
    if isinstance(value, str):
        return budget - len(value) - 2
    if isinstance(value, bool) or value is None:
        return budget - 5
    if isinstance(value, (int, float)):  # ranges are the fields' business (Int); unknown fields are dropped
        return budget - 24
    if depth == 0 or not isinstance(value, (dict, list, tuple)):
        return -1
    items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
    for key, item in items:
        budget -= 2
        if key is not None:
            budget = _over_budget(key, budget, depth - 1) if isinstance(key, str) else -1
        if budget < 0:
            return budget
        budget = _over_budget(item, budget, depth - 1)
        if budget < 0:
            return budget
    return budget
