"""One row by its primary key, or the NotFound that every service answers an unknown id with."""
from wms.errors import NotFound
from wms.extensions import db

# The largest value of a PostgreSQL `integer` column (every primary key here). A larger (or a
# negative) id names no row; sent to the database it would be an overflow error, not an answer.
MAX_ID = 2**31 - 1


def get_or_not_found(model, ident, message, **details):
    """db.session.get(model, ident), or NotFound(message, **details) when there is no such row."""
    if isinstance(ident, int) and not 0 <= ident <= MAX_ID:
        raise NotFound(message, **details)
    row = db.session.get(model, ident)
    if row is None:
        raise NotFound(message, **details)
    return row
