"""Hot-path statements run straight on the driver's cursor, inside the session's transaction.

On the scan path SQLAlchemy's per-execution work (cache key, parameter dict, result wrapper) costs
three times what SQLite spends on the statement itself. A `Prepared` statement is a Core statement
compiled once per dialect; each run only binds values, applies the column types' bind processors
(JSON, SQLite datetimes: stored exactly as the ORM stores them) and calls the DBAPI cursor. It runs
on `db.session.connection()`, so it shares the session's transaction, commit and rollback.

Errors are the driver's own: catch `integrity_error(conn)` for a unique violation.
"""
from wms.extensions import db


class Prepared:
    """A Core statement (with named bindparams) compiled once per dialect."""

    def __init__(self, statement):
        self.statement = statement
        self._by_dialect = {}

    def execute(self, params, connection=None):
        """Run with {bindparam name: value}; returns the DBAPI cursor (fetchone / fetchall / rowcount)."""
        conn = connection or db.session.connection()
        sql, order, defaults, processors = self._compiled(conn.dialect)
        values = dict(defaults)
        values.update(params)
        for name, process in processors:
            value = values[name]
            if value is not None:
                values[name] = process(value)
        cursor = conn.connection.dbapi_connection.cursor()
        cursor.execute(sql, [values[name] for name in order] if order is not None else values)
        return cursor

    def _compiled(self, dialect):
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            compiled = self._by_dialect[dialect.name] = _compile(self.statement, dialect)
        return compiled


def _compile(statement, dialect):
    compiled = statement.compile(dialect=dialect)
    defaults = {name: value for name, value in compiled.construct_params(_check=False).items() if value is not None}
    processors = []
    for name, bind in compiled.binds.items():
        process = bind.type._cached_bind_processor(dialect)
        if process is not None:
            processors.append((name, process))
    # values known at compile time (literals in the statement) are processed once, here
    for name, process in processors:
        if name in defaults and not bind_is_required(compiled.binds[name]):
            defaults[name] = process(defaults[name])
    processors = [(name, p) for name, p in processors if bind_is_required(compiled.binds[name])]
    order = list(compiled.positiontup) if compiled.positional else None
    return compiled.string, order, defaults, processors


def bind_is_required(bind):
    """A named bindparam the caller supplies (a literal in the statement has a value already)."""
    return bind.value is None and bind.callable is None


def integrity_error(connection=None):
    """The driver's IntegrityError class (a unique violation raised by `Prepared.execute`)."""
    conn = connection or db.session.connection()
    return conn.dialect.loaded_dbapi.IntegrityError
