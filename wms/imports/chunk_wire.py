"""A checked chunk as it crosses the pipe from the reader process to the writer (plain data, no database).

Pickled as it is, a chunk of 2,000 CheckedOrders - named tuples, each holding an EncodedOrder,
another - costs a Python call per named tuple on each side of the pipe and a memo entry per small
object: on a 100k-order file more than a second of the two processes' CPU, as much as validating
the file. Most orders of a file have nothing to say (no reason, hold, flag or orphan; no carrier or
ship-by of their own: imported as they are), and these go column-wise: their first rows, their
order numbers, their order texts joined into one text and their line texts into another (COPY's
text holds no raw newline: wms.imports.copy_text), the lines' SKU codes and how many lines each
has. Every other order goes as a plain tuple with its place in the chunk. `unpack(pack(chunk))`
is the chunk.
"""
from wms.imports.encoded_orders import EncodedOrder
from wms.imports.file_reading import CheckedChunk, CheckedOrder

_build = tuple.__new__   # a named tuple from its fields, without its Python-level __new__


def pack(chunk):
    """The chunk as plain lists and texts (see the module docstring)."""
    firsts, numbers, texts, counts, codes, lines, others = [], [], [], [], [], [], []
    for position, order in enumerate(chunk.orders):
        clean = order.clean
        if (type(clean) is EncodedOrder and order.outcome is None and clean.carrier_code is None
                and clean.ship_by is None and clean.external_id == order.external_id and clean.lines
                and not (order.errors or order.report_rows or order.holds or order.flags or order.orphans)):
            firsts.append(order.first_row)
            numbers.append(order.external_id)
            texts.append(clean.text)
            counts.append(len(clean.lines))
            codes.extend(clean.codes)
            lines.extend(clean.lines)
        else:
            others.append((position, tuple(order)))
    return chunk.last_row, firsts, numbers, "\n".join(texts), counts, codes, "\n".join(lines), others


def unpack(packed):
    """The CheckedChunk that `pack` packed."""
    last_row, firsts, numbers, texts, counts, codes, lines, others = packed
    texts, lines = texts.split("\n"), lines.split("\n")
    orders = []
    at = 0
    for first, number, text, count in zip(firsts, numbers, texts, counts):
        end = at + count
        clean = _build(EncodedOrder, (number, text, tuple(codes[at:end]), tuple(lines[at:end]), None, None))
        orders.append(_build(CheckedOrder, (first, number, clean, [], [], None, [], [], [])))
        at = end
    for position, fields in others:   # in ascending places: each goes where it was
        orders.insert(position, _build(CheckedOrder, fields))
    return CheckedChunk(last_row, orders)
