"""One row by its primary key, or the NotFound that every service answers an unknown id with."""
from wms.errors import NotFound
from wms.extensions import db


def get_or_not_found(model, ident, message, **details):
    """db.session.get(model, ident), or NotFound(message, **details) when there is no such row."""
    row = db.session.get(model, ident)
    if row is None:
        raise NotFound(message, **details)
    return row
