"""How a floor event is answered: `accepted`, or `rejected` with a catalogue code, its values and the
message the picker can act on. `Rejected` is how any event handler refuses an event - the pick and
short handlers (wms.picking.line_events) and the ones other features register with the exactly-once
path (wms.picking.floor.register_handler). Answers are stored with the event row, so everything in
them is made plain JSON here.
"""
from wms.picking.messages import message


class Rejected(Exception):
    """An event refused: `code` names a message in the catalogue, `values` fill it in."""

    def __init__(self, code, **values):
        super().__init__(code)
        self.code, self.values = code, values


def rejected_answer(rejected):
    """The answer for an event a handler refused."""
    return {"status": "rejected", "code": rejected.code, "values": plain(rejected.values),
            "message": message(rejected.code, **rejected.values)}


def bad_event_answer(event, problem):
    """The answer for an event that is not shaped like one (no uuid, no kind, not an object...)."""
    return _unstored(event, "bad_event", problem=problem)


def uuid_conflict_answer(event):
    """The answer for a uuid another user or device already used: theirs stays theirs."""
    return _unstored(event, "uuid_conflict")


def rate_limited_answer(event, retry_after):
    """The answer for an event over its sender's rate limit: not applied, nothing stored; send it again
    after `retry_after` seconds (the outbox backs off)."""
    seconds = max(1, int(retry_after + 0.999))
    return {**_unstored(event, "rate_limited", seconds=seconds), "retry_after": round(retry_after, 3)}


def server_error_answer(event):
    """The answer for an event whose handler failed unexpectedly (the failure is logged)."""
    return _unstored(event, "server_error")


def busy_answer(event):
    """The answer when the database could not be reached: not applied, nothing stored; send it again."""
    return {**_unstored(event, "server_busy"), "retry_after": 5}


def _unstored(event, code, **values):
    uuid = event.get("uuid") if isinstance(event, dict) else None
    uuid = uuid if isinstance(uuid, str) and len(uuid) <= 64 else None  # echoed so the outbox can match it
    return {"uuid": uuid, "status": "rejected", "code": code, "values": values, "message": message(code, **values)}


def plain(value):
    """`value` as JSON can store it: dicts, lists and scalars kept, anything else as its str()."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
