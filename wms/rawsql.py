"""Hot-path statements run straight on the driver's cursor, inside the session's transaction.

On the scan path SQLAlchemy's per-execution work (cache key, parameter dict, result wrapper) costs
three times what SQLite spends on the statement itself. A `Prepared` statement is a Core statement
compiled once per dialect; each run only binds values, applies the column types' bind processors
(JSON, SQLite datetimes: stored exactly as the ORM stores them) and calls the DBAPI cursor. It runs
on `db.session.connection()`, so it shares the session's transaction, commit and rollback.

On PostgreSQL the statement is also prepared on the server (PREPARE, once per database
connection; it outlives rollbacks), so each run skips parsing and planning: the scan's five-table
read costs the server 0.5 ms to plan and 0.1 ms to run. (A transaction-pooling proxy such as
pgbouncer in transaction mode would break this; the deployment in README talks to PostgreSQL
directly.)

Errors are the driver's own: catch `integrity_error(conn)` for a unique violation.
"""
import contextlib
import itertools
import re

from sqlalchemy import String
from sqlalchemy.types import NullType

from wms.extensions import db

_NAMES = itertools.count(1)
_PG_PARAM = re.compile(r"%\((\w+)\)s")
_ALL = []  # every Prepared made so far (module level, or cached per dialect): what warm_pool prepares


class Prepared:
    """A Core statement (with named bindparams) compiled once per dialect; `only_for` names the one
    dialect a dialect-specific statement (an upsert) is written for."""

    def __init__(self, statement, only_for=None):
        self.statement = statement
        self.only_for = only_for
        self.name = f"wms_prepared_{next(_NAMES)}"
        self._by_dialect = {}
        _ALL.append(self)

    def execute(self, params, connection=None):
        """Run with {bindparam name: value}; returns the DBAPI cursor (fetchone / fetchall / rowcount)."""
        conn = connection or db.session.connection()
        return _send(conn, [(self, self._compiled(conn.dialect), params)])

    def _prepare_on_server(self, cursor, conn, compiled):
        if compiled.server_text is None:
            return
        prepared = conn.connection.info.setdefault("wms.prepared", set())
        if self.name not in prepared:
            cursor.execute(f"PREPARE {self.name} AS {compiled.server_text}")
            prepared.add(self.name)

    def _compiled(self, dialect):
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            compiled = self._by_dialect[dialect.name] = _Compiled(self, dialect)
        return compiled


class _Compiled:
    """One dialect's SQL text, parameter order, literal values and bind processors."""

    def __init__(self, prepared, dialect):
        compiled = prepared.statement.compile(dialect=dialect)
        self.readable = compiled.string
        self.defaults = {name: value for name, value in compiled.construct_params(_check=False).items()
                         if value is not None}
        processors = []
        for name, bind in compiled.binds.items():
            process = bind.type._cached_bind_processor(dialect)
            if process is None:
                continue
            if _supplied_by_caller(bind):
                processors.append((name, process))
            elif name in self.defaults:  # a literal in the statement: processed once, here
                self.defaults[name] = process(self.defaults[name])
        self.processors = processors
        self.server_text = None
        if dialect.name == "postgresql" and dialect.paramstyle == "pyformat":
            # PREPARE text with $1..$n (each name numbered at its first use), run as EXECUTE.
            # Typed parameters carry a cast: the server cannot infer `sum(CASE .. THEN $3 ..)`.
            self.order = []
            numbers = {}
            casts = {name: _pg_cast(bind.type, dialect) for name, bind in compiled.binds.items()}

            def number(match):
                name = match.group(1)
                if name not in numbers:
                    self.order.append(name)
                    numbers[name] = len(self.order)
                cast = casts.get(name)
                return f"${numbers[name]}::{cast}" if cast else f"${numbers[name]}"

            self.server_text = _PG_PARAM.sub(number, compiled.string).replace("%%", "%")
            self.sql = f"EXECUTE {prepared.name}({', '.join(['%s'] * len(self.order))})" if self.order \
                else f"EXECUTE {prepared.name}"
        else:
            self.sql = compiled.string
            self.order = list(compiled.positiontup) if compiled.positional else None

    def values(self, params):
        """The driver's parameters: literals, then the caller's values, bind-processed."""
        values = dict(self.defaults)
        values.update(params)
        for name, process in self.processors:
            value = values[name]
            if value is not None:
                values[name] = process(value)
        return [values[name] for name in self.order] if self.order is not None else values


def execute_together(statements, connection=None):
    """Run [(Prepared, params)] in order in the current transaction: on PostgreSQL as one round
    trip (one EXECUTE after another in a single query), elsewhere one by one. Returns the last
    statement's cursor; an error in any of them is raised and fails the transaction."""
    conn = connection or db.session.connection()
    parts = [(prepared, prepared._compiled(conn.dialect), params) for prepared, params in statements]
    if parts and all(one.server_text is not None for _p, one, _v in parts):
        return _send(conn, parts)
    cursor = None
    for part in parts:
        if cursor is not None:
            cursor.close()
        cursor = _send(conn, [part])
    return cursor


def _send(conn, parts):
    """One query to the driver: the parts' statements in order (several only as EXECUTEs of
    statements prepared on the server, which this prepares first where needed)."""
    cursor = conn.connection.dbapi_connection.cursor()
    for prepared, one, _params in parts:
        prepared._prepare_on_server(cursor, conn, one)
    if len(parts) == 1:
        values = parts[0][1].values(parts[0][2])
    else:
        values = [value for _p, one, params in parts for value in one.values(params)]
    _announce(conn, cursor, "; ".join(one.readable for _p, one, _v in parts), values)
    cursor.execute("; ".join(one.sql for _p, one, _v in parts), values)
    return cursor


def _announce(conn, cursor, sql, values):
    """SQLAlchemy's before_cursor_execute listeners still see these statements, as their SQL (on
    PostgreSQL what is sent is an EXECUTE of the prepared form): SQL logging, tests that count or
    park statements. Without listeners this is one attribute check."""
    if conn._has_events or conn.engine._has_events:
        conn.dispatch.before_cursor_execute(conn, cursor, sql, values, None, False)


def nothing_sent_yet(connection):
    """PostgreSQL: True when the connection's transaction has sent no statement yet (psycopg2 sends
    its BEGIN with the first one)."""
    from psycopg2.extensions import STATUS_READY

    return connection.connection.dbapi_connection.status == STATUS_READY


@contextlib.contextmanager
def each_statement_on_its_own(connection):
    """PostgreSQL: inside the block, statements sent on `connection` (none sent yet in its
    transaction) run in autocommit mode: no BEGIN, no COMMIT round trips; each is atomic on its own.
    The driver's flag is flipped directly (SQLAlchemy's AUTOCOMMIT isolation level would also reset
    the session's isolation level with a SET round trip each time)."""
    raw = connection.connection.dbapi_connection
    raw.autocommit = True
    try:
        yield connection
    finally:
        if not raw.closed:  # a connection lost meanwhile: its own error is the one to see
            raw.autocommit = False


_DEFERRED = "wms.rawsql.deferred"


_AT_COMMIT = []


def defer(prepared, params, session=None):
    """Queue a write whose result nobody reads: it goes with the next `execute_with_deferred` (one
    round trip on PostgreSQL), or at the latest just before the commit; dropped on rollback."""
    session = session or db.session()
    session.info.setdefault(_DEFERRED, []).append((prepared, params))


def execute_with_deferred(prepared, params, session=None):
    """`prepared` after the session's deferred writes, together; returns its cursor."""
    session = session or db.session()
    return execute_together(session.info.pop(_DEFERRED, []) + [(prepared, params)], session.connection())


def at_commit(fn):
    """Register fn(session) to run just before every commit, ahead of the deferred writes: what it
    defers goes with them, in the same round trip (the wall's counters, written last)."""
    _AT_COMMIT.append(fn)
    return fn


def send_deferred(session):
    """Before a commit (listener, wms.listeners): the at_commit hooks, then the deferred writes in one round trip."""
    for fn in _AT_COMMIT:
        fn(session)
    deferred = session.info.pop(_DEFERRED, [])
    if deferred:
        execute_together(deferred, session.connection()).close()


def drop_deferred(session, _previous):
    """After a rollback (listener, wms.listeners): the deferred writes are forgotten."""
    session.info.pop(_DEFERRED, None)


def warm_pool(engine, connections):
    """Open `connections` database connections now and, on PostgreSQL, prepare and plan every
    statement made so far on each, so that the first requests after a start find connections
    ready instead of all opening, preparing and planning on their own at once (a shift's first
    scans). They go back to the pool, which keeps them.

    Planning: the engine's connections run with plan_cache_mode=force_generic_plan (config), so a
    statement is planned once per connection, here (EXPLAIN EXECUTE with NULLs caches the generic
    plan without running anything), instead of five custom plans per connection under load."""
    opened = [engine.connect() for _ in range(connections)]
    try:
        for conn in opened:
            if conn.dialect.name != "postgresql":
                continue
            cursor = conn.connection.dbapi_connection.cursor()
            for prepared in [p for p in _ALL if p.only_for in (None, conn.dialect.name)]:
                compiled = prepared._compiled(conn.dialect)
                prepared._prepare_on_server(cursor, conn, compiled)
                nulls = f"({', '.join(['NULL'] * len(compiled.order))})" if compiled.order else ""
                cursor.execute(f"EXPLAIN EXECUTE {prepared.name}{nulls}")
            cursor.close()
            conn.commit()
    finally:
        for conn in opened:
            conn.close()


def _pg_cast(type_, dialect):
    """The cast for a typed parameter; none for strings (an explicit varchar(n) cast would
    truncate instead of refusing) and untyped ones (the server infers them from the column)."""
    if isinstance(type_, (String, NullType)):
        return None
    return dialect.type_compiler_instance.process(type_)


def _supplied_by_caller(bind):
    """A named bindparam the caller supplies (a literal in the statement has a value already)."""
    return bind.value is None and bind.callable is None


def integrity_error(connection=None):
    """The driver's IntegrityError class (a unique violation raised by `Prepared.execute`)."""
    conn = connection or db.session.connection()
    return conn.dialect.loaded_dbapi.IntegrityError
