"""Bulk inserts at driver speed, inside the session's transaction.

SQLAlchemy Core's executemany spends more time building per-row parameter dicts than the database
spends writing them; at 300k lines a file that is the bottleneck. These helpers take rows as
tuples, apply each column type's bind processor (so JSON and SQLite datetimes are stored exactly as
the ORM stores them; a value equal to the previous row's is processed once), and hand the rows to
the driver: `executemany` on SQLite, `COPY ... FROM STDIN` in COPY's text format on PostgreSQL
(wms.imports.copy_text: NULL told from '' in every column, no csv module), which costs the server
and the client a fraction of multi-row INSERTs. Rows already in that text (a file's orders, made
by the import's reader process: wms.imports.encoded_orders) go straight to `copy_text`. Primary
keys are reserved up front
(`reserve_ids`) so that no RETURNING is needed. The benchmark's floor uses the same functions, so
the floor is the bare insert, not a slower straw man.
"""
import io

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, exc, text

from wms.extensions import db
from wms.imports import copy_text as copy_format

ARRAY_KEYS = 10_000  # keys per PostgreSQL lookup
COPY_BLOCK = 64 * 1024  # what COPY asks its file for at a time
_NOTHING = object()


def insert_rows(table, columns, rows, connection=None):
    """INSERT rows (tuples in `columns` order) into `table`. A unique key taken meanwhile by
    another transaction raises SQLAlchemy's IntegrityError, as a Core insert would (the driver's
    own exception would slip past the callers' retry)."""
    if not rows:
        return
    conn = connection or db.session.connection()
    if conn.dialect.driver == "psycopg2":
        copy_text(table, columns, row_texts(table, columns, rows, conn), conn)
        return
    rows = _processed(conn, table, columns, rows)
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cursor = conn.connection.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
                           f"({', '.join([mark] * len(columns))})", rows)
    except conn.dialect.dbapi.IntegrityError as error:
        raise exc.IntegrityError(f"bulk insert into {table.name}", None, error) from error
    finally:
        cursor.close()


def row_texts(table, columns, rows, connection=None):
    """PostgreSQL: rows (tuples in `columns` order) as one text of COPY text-format rows, each
    column's bind processor applied first (JSON as the ORM writes it)."""
    conn = connection or db.session.connection()
    rows = _processed(conn, table, columns, rows, times_as_text=True)
    return copy_format.RowFormat([_kind(table.c[name]) for name in columns]).rows(rows)


def _kind(column):
    """How copy_text formats a column's (processed) values."""
    column_type = column.type
    if isinstance(column_type, Boolean):
        return copy_format.BOOL
    if isinstance(column_type, Integer):
        return copy_format.INT
    if isinstance(column_type, (String, DateTime, JSON)):
        # text by then (a datetime as ISO text); anything else takes the slow path
        return copy_format.OPTIONAL_TEXT if column.nullable else copy_format.TEXT
    return copy_format.ANY


def copy_text(table, columns, rows_text, connection=None):
    """COPY rows already in COPY's text format (each ended by a newline) into `table` (PostgreSQL);
    a unique key taken meanwhile raises SQLAlchemy's IntegrityError."""
    if not rows_text:
        return
    conn = connection or db.session.connection()
    cursor = conn.connection.cursor()
    try:
        cursor.copy_expert(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN", io.StringIO(rows_text),
                           size=COPY_BLOCK)
    except conn.dialect.dbapi.IntegrityError as error:
        raise exc.IntegrityError(f"bulk insert into {table.name}", None, error) from error
    finally:
        cursor.close()


def insert_for_each(table, key_column, keys, columns, values, connection=None):
    """INSERT one row per key, the rows alike but for `key_column` (an import's audit rows: one per
    order, the same event). On PostgreSQL one INSERT ... SELECT over the keys as one array: no
    row is formatted by the client nor parsed by the server. Elsewhere insert_rows."""
    if not keys:
        return
    conn = connection or db.session.connection()
    if conn.dialect.driver != "psycopg2":
        insert_rows(table, (key_column,) + tuple(columns), [(key,) + tuple(values) for key in keys], conn)
        return
    (processed,) = _processed(conn, table, columns, [tuple(values)])
    cursor = conn.connection.cursor()
    try:
        cursor.execute(f"INSERT INTO {table.name} ({key_column}, {', '.join(columns)}) "
                       f"SELECT key, {', '.join(['%s'] * len(columns))} FROM unnest(%s::bigint[]) AS key",
                       (*processed, "{" + ",".join(map(str, keys)) + "}"))
    finally:
        cursor.close()


def reserve_ids(table, count, connection=None):
    """`count` new primary keys of `table` for rows inserted with explicit ids in this transaction.

    PostgreSQL: taken from the id sequence (safe under concurrency). SQLite: the ids after the
    current maximum; SQLite has one writer at a time, and a writer whose snapshot went stale is
    refused at its first write, so two transactions never insert the same ids (and the primary
    key would refuse it anyway).
    """
    if count <= 0:
        return []
    conn = connection or db.session.connection()
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.cursor()   # the driver's rows: 100k ids through Result cost more than the query
        try:
            # the sequence looked up once (in the select list it was looked up per id: 6x the time)
            cursor.execute(f"WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence('{table.name}', 'id')::regclass "
                           f"AS seq) SELECT nextval(s.seq) FROM s, generate_series(1, %s)", (count,))
            return [row[0] for row in cursor.fetchall()]
        finally:
            cursor.close()
    top = conn.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table.name}"))
    return list(range(top + 1, top + 1 + count))


def find_ids(table, scope_column, scope, key_column, keys, connection=None):
    """{key: id} of the rows of `table` with `scope_column` = scope and `key_column` in keys,
    straight through the driver (SQLAlchemy's expanding IN costs more per key than the query).

    PostgreSQL: one query with the keys as one array literal (`= ANY('{...}')`): the server parses
    one constant instead of a thousand, which was most of the lookup's time. SQLite: 1000 keys
    per `IN (?, ...)`.
    """
    conn = connection or db.session.connection()
    found = {}
    cursor = conn.connection.cursor()
    try:
        if conn.dialect.driver == "psycopg2":
            for start in range(0, len(keys), ARRAY_KEYS):
                cursor.execute(f"SELECT {key_column}, id FROM {table.name} WHERE {scope_column} = %s "
                               f"AND {key_column} = ANY(%s::text[])",
                               (scope, _array_literal(keys[start:start + ARRAY_KEYS])))
                found.update(cursor.fetchall())
            return found
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        for start in range(0, len(keys), 1000):
            part = list(keys[start:start + 1000])
            cursor.execute(f"SELECT {key_column}, id FROM {table.name} WHERE {scope_column} = {mark} "
                           f"AND {key_column} IN ({', '.join([mark] * len(part))})", [scope] + part)
            found.update(cursor.fetchall())
    finally:
        cursor.close()
    return found


def _array_literal(texts):
    """A PostgreSQL text[] literal: every element double-quoted, backslash and quote escaped."""
    return "{" + ",".join('"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"' for t in texts) + "}"


def _processed(conn, table, columns, rows, times_as_text=False):
    """Rows with each column's bind processor applied, a run of equal values processed once.
    `times_as_text` (rows that go into COPY's text on PostgreSQL): a naive datetime goes as its
    ISO text, made once per run as well: an import's rows share one `now`."""
    processors = [(i, _processor(conn.dialect, table.c[name].type, times_as_text)) for i, name in enumerate(columns)]
    processors = [(i, p) for i, p in processors if p is not None]
    if not processors:
        return rows
    rows = [list(row) for row in rows]
    for i, process in processors:
        last, done = _NOTHING, None
        for row in rows:
            value = row[i]
            if value is None:
                continue
            if value is not last and (type(value) is not type(last) or value != last):
                last, done = value, process(value)
            row[i] = done
    return rows


def _processor(dialect, column_type, times_as_text):
    process = column_type._cached_bind_processor(dialect)
    if process is None and times_as_text and isinstance(column_type, DateTime):
        return _naive_time_text
    return process


def _naive_time_text(value):
    """A naive datetime as ISO 8601 text (`2026-11-20T02:31:05`, microseconds when it has them:
    the same timestamp PostgreSQL reads from str()'s `2026-11-20 02:31:05`, at half its cost); an
    aware one as it is (the driver sends its offset, which a text literal into a `timestamp`
    column would drop)."""
    return value.isoformat() if value.tzinfo is None else value
