"""PostgreSQL's COPY text format: rows of values -> the text `COPY ... FROM STDIN` reads, and back. Pure: stdlib only.

Text format (not CSV): fields separated by a tab, rows ended by a newline, NULL written `\\N`, and
in a field's text the backslash, tab, newline and carriage return escaped (`\\\\`, `\\t`, `\\n`,
`\\r`); every other character, Chinese included, goes as it is. Unlike CSV it tells NULL from ''
in every column, and the server reads it a little faster. NUL cannot be stored in a PostgreSQL
text at all: a value holding one goes as it is, and the server refuses it (as it refused it in
CSV).

Formatting is an import's hot path (half a million rows per 100k-order file), so a RowFormat is
compiled once per column list: numbers become their digits and booleans t/f by a converter per
column, text needs no call at all - the row is joined, and the joined row is checked once for a
character to escape (by counting its tabs and backslashes: only the NULL marks may bring one).
A row that holds one (a buyer's note with a newline) is formatted again field by field. A
nullable text column is OPTIONAL_TEXT (its None found by the converters' loop, not by a scan).
`parse_row` reads a row back, exactly (tests hold `parse_row(format(row)) == row`).
"""
from datetime import datetime

# What a column holds, as RowFormat formats it: text (None takes the slow path), text or NULL, ...
TEXT, OPTIONAL_TEXT, INT, BOOL, TIME, ANY = "text", "text?", "int", "bool", "time", "any"
NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}


def escape(text):
    """A text as one field: backslash, tab, newline and carriage return escaped."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_ESCAPES)
    return text


def field(value):
    """Any value as one field (the slow path, and single values): NULL, or its text escaped."""
    return NULL if value is None else escape(plain(value))


def plain(value):
    """A (non-NULL) value's text before escaping: t/f for a boolean, ISO 8601 for a naive datetime
    (an aware one keeps its offset in str()), str() for anything else."""
    if type(value) is str:
        return value
    if value is True or value is False:
        return "t" if value else "f"
    if type(value) is datetime and value.tzinfo is None:
        return value.isoformat()
    return str(value)


def _boolean(value):
    return "t" if value else "f"


def _time(value):
    return value.isoformat() if value.tzinfo is None else str(value)


def _same(value):
    return value


_CONVERTERS = {OPTIONAL_TEXT: _same, INT: str, BOOL: _boolean, TIME: _time, ANY: plain}


class RowFormat:
    """Rows (sequences of values, one per column, of the columns' `kinds`) -> COPY text rows.

    TEXT columns hold str (anything else, None included, takes the slow path, which formats it
    with `field`); OPTIONAL_TEXT str or None (a nullable text column: None is common there); INT
    columns ints; BOOL booleans; TIME datetimes; ANY anything `plain` can write; each but TEXT may
    be None.
    """

    def __init__(self, kinds):
        self.kinds = tuple(kinds)
        self._width = len(self.kinds)
        self._tabs = self._width - 1
        self._converted = tuple((i, _CONVERTERS[kind]) for i, kind in enumerate(self.kinds) if kind != TEXT)

    def row(self, values, owned=False):
        """One row's text, without its newline. `owned`: `values` is a list the caller gives away
        (written over instead of copied)."""
        cells = values if owned else list(values)
        if len(cells) != self._width:
            raise ValueError(f"a row of {len(cells)} values for {self._width} columns")
        nulls = []   # where a NULL mark went (the slow path must not escape it)
        for i, convert in self._converted:
            value = cells[i]
            if value is None:
                cells[i] = NULL
                nulls.append(i)
            else:
                cells[i] = convert(value)
        try:
            line = "\t".join(cells)
        except TypeError:   # a text column holding something else, or None
            return self._slow(cells, nulls)
        # only the NULL marks may bring a backslash, and only the separators a tab
        if line.count("\t") != self._tabs or line.count("\\") != len(nulls) or "\n" in line or "\r" in line:
            return self._slow(cells, nulls)
        return line

    @staticmethod
    def _slow(cells, nulls):
        """The row field by field from its converted cells (each escaped, but the NULL marks)."""
        return "\t".join([NULL if i in nulls else field(cell) for i, cell in enumerate(cells)])

    def rows(self, rows):
        """Every row's text, each ended by a newline, as one text."""
        row = self.row
        return "".join([row(values) + "\n" for values in rows])


def unescape(text):
    """A field's text back to its value's text (the inverse of escape; also reads \\b \\f \\v)."""
    if "\\" not in text:
        return text
    out, i, size = [], 0, len(text)
    while i < size:
        at = text.find("\\", i)
        if at < 0 or at == size - 1:
            out.append(text[i:])
            break
        out.append(text[i:at])
        out.append(_UNESCAPES.get(text[at + 1], text[at + 1]))
        i = at + 2
    return "".join(out)


def parse_row(line):
    """A row's text (no newline) -> its fields: None for NULL, else the field's text unescaped."""
    return [None if cell == NULL else unescape(cell) for cell in line.split("\t")]
