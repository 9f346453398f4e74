"""Bulk inserts at driver speed, inside the session's transaction.

SQLAlchemy Core's executemany spends more time building per-row parameter dicts than SQLite spends
writing them; at 300k lines a file that is the bottleneck. These helpers take rows as tuples, apply
each column type's bind processor once per value (so JSON and SQLite datetimes are stored exactly
as the ORM stores them), and hand the rows to the driver: `executemany` on SQLite, psycopg2's
`execute_values` (multi-row VALUES pages) on PostgreSQL. The benchmark's floor uses the same
functions, so the floor is the bare insert, not a slower straw man.
"""
from itertools import islice

from wms.extensions import db

PAGE = 1000  # rows per multi-row VALUES statement


def insert_rows(table, columns, rows, connection=None):
    """INSERT rows (tuples in `columns` order) into `table`."""
    if not rows:
        return
    conn = connection or db.session.connection()
    rows = _processed(conn, table, columns, rows)
    cursor = conn.connection.cursor()
    try:
        head = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
        if conn.dialect.driver == "psycopg2":
            from psycopg2.extras import execute_values

            execute_values(cursor, head + "%s", rows, page_size=PAGE)
        else:
            mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
            cursor.executemany(head + "(" + ", ".join([mark] * len(columns)) + ")", rows)
    finally:
        cursor.close()


def insert_returning(table, columns, rows, returning, connection=None):
    """INSERT rows and return the `returning` columns of each inserted row (in no set order)."""
    if not rows:
        return []
    conn = connection or db.session.connection()
    rows = _processed(conn, table, columns, rows)
    head = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
    tail = f" RETURNING {', '.join(returning)}"
    cursor = conn.connection.cursor()
    try:
        if conn.dialect.driver == "psycopg2":
            from psycopg2.extras import execute_values

            return execute_values(cursor, head + "%s" + tail, rows, page_size=PAGE, fetch=True)
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        one = "(" + ", ".join([mark] * len(columns)) + ")"
        page = max(1, min(PAGE, 32000 // len(columns)))  # SQLite's limit on bound parameters
        out = []
        it = iter(rows)
        while batch := list(islice(it, page)):
            cursor.execute(head + ", ".join([one] * len(batch)) + tail, [v for row in batch for v in row])
            out += cursor.fetchall()
        return out
    finally:
        cursor.close()


def _processed(conn, table, columns, rows):
    processors = [(i, table.c[name].type._cached_bind_processor(conn.dialect)) for i, name in enumerate(columns)]
    processors = [(i, p) for i, p in processors if p is not None]
    if not processors:
        return rows
    out = []
    for row in rows:
        row = list(row)
        for i, process in processors:
            if row[i] is not None:
                row[i] = process(row[i])
        out.append(row)
    return out
