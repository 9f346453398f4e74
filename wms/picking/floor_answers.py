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
    uuid = event.get("uuid") if isinstance(event, dict) else None
    return {"uuid": uuid, "status": "rejected", "code": "bad_event", "values": {"problem": problem},
            "message": message("bad_event", problem=problem)}


def plain(value):
    """`value` as JSON can store it: dicts, lists and scalars kept, anything else as its str()."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
