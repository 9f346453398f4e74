"""Lines that arrive in a separate file, joined to their orders by order number. Stdlib only
(sqlite3 on a temporary file).
"""
import sqlite3
import tempfile

from wms.imports.cells import GUARD_STARTS, is_scientific, unguard
from wms.imports.validation import MAX_LINES_PER_ORDER, TOO_MANY_LINES


def _order_no(value):
    value = (value or "").strip()
    return unguard(value) if value[:1] in GUARD_STARTS else value


class LineFile:
    """Lines from a separate file, spooled to a temporary SQLite index joined by order number.

    Memory stays flat whatever the file's order: rows are written to disk once, then fetched per
    chunk of orders with one query. Lines never claimed by an order are reported at the end.
    """

    def __init__(self, mapped_rows, directory=None):
        self._file = tempfile.NamedTemporaryFile(suffix=".sqlite", dir=directory)
        self._db = sqlite3.connect(self._file.name)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE line (row INTEGER PRIMARY KEY, order_no TEXT, sku TEXT, "
                         "name TEXT, qty TEXT, price TEXT, list_price TEXT, used INTEGER DEFAULT 0)")
        self._db.executemany("INSERT INTO line (row, order_no, sku, name, qty, price, list_price) "
                             "VALUES (?,?,?,?,?,?,?)",
                             ((n, _order_no(m.get("external_id")), m.get("sku_code"), m.get("name"),
                               m.get("qty"), m.get("unit_price"), m.get("list_price")) for n, m in mapped_rows))
        self._db.execute("CREATE INDEX line_order ON line (order_no)")
        self._db.commit()

    def attach(self, groups):
        """Add each group's lines from the line file (marking them used); {order number: [row]} of
        the line rows that repeat a line the order already has (a report pasted twice, or lines
        given in both files): those are not added again.

        An order number Excel turned into scientific notation joins nothing: its lines stay
        unclaimed (orphans), never attached to whichever order shares the mangled number.
        """
        by_id = {}
        for group in groups:
            if group.external_id and not is_scientific(group.external_id):
                by_id.setdefault(group.external_id, group)
        ids = list(by_id)
        repeated = {}
        known = {}
        too_many = set()
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            for row, order_no, sku, name, qty, price, list_price in self._db.execute(
                    f"SELECT row, order_no, sku, name, qty, price, list_price FROM line WHERE order_no IN ({marks}) "
                    f"ORDER BY row", part):
                line = {k: v for k, v in (("sku_code", sku), ("name", name), ("qty", qty),
                                          ("unit_price", price), ("list_price", list_price)) if v}
                group = by_id[order_no]
                seen = known.get(order_no)
                if seen is None:
                    seen = known[order_no] = {_line_key(existing) for _row, existing in group.lines}
                key = _line_key(line)
                if key in seen:
                    repeated.setdefault(order_no, []).append(row)
                    continue
                seen.add(key)
                if len(group.lines) >= MAX_LINES_PER_ORDER:   # the order is rejected; no more lines kept
                    if order_no not in too_many:
                        too_many.add(order_no)
                        group.problems.append((row, "lines", TOO_MANY_LINES))
                    continue
                group.lines.append((row, line))
            self._db.execute(f"UPDATE line SET used = 1 WHERE order_no IN ({marks})", part)
        return repeated

    def unclaimed(self):
        """(row, order number) of lines whose order was not in the orders file."""
        return self._db.execute("SELECT row, order_no FROM line WHERE used = 0 ORDER BY row")

    def close(self):
        self._db.close()
        self._file.close()


def _line_key(line):
    return tuple((line.get(k) or "").strip() for k in ("sku_code", "name", "qty", "unit_price"))
