"""A checked chunk crosses the pipe from the reader process packed (wms.imports.chunk_wire): what
the writer unpacks is the chunk the reader made, whatever its orders - imported as they are,
flagged, held, rejected, duplicates, with orphans, a carrier, awkward text - encoded or not."""
import csv
import pickle

import pytest

from wms.imports import chunk_wire, file_reading
from wms.imports.mapping import guess_mapping, template_headers
from wms.spreadsheets import readers

HEADERS = template_headers("zh")


def row(order, sku="SKU-1", qty="1", price="9.90", **cells):
    values = dict(zip(HEADERS, [""] * len(HEADERS)))
    values.update({"订单号": order, "收件人": "王伟", "手机": "13800138000", "省": "浙江省", "市": "杭州市",
                   "区": "西湖区", "详细地址": "文三路90号", "订单金额": "9.90", "商品编码": sku, "数量": qty,
                   "单价": price})
    values.update(cells)
    return [values[h] for h in HEADERS]


ROWS = [
    row("W1"), row("W1", sku="SKU-2", qty="2"),                            # imported as it is, two lines
    row("W2", **{"快递": "SF"}),                                            # a carrier of its own
    row("W3", **{"买家留言": 'a\tb\\c\n"d"', "收件人": "\\N"}),             # text to escape
    row("W4", qty="0"), row("W4", sku="SKU-3"),                            # a line dropped: flagged
    row("W5", sku=""),                                                     # a blank SKU: flagged
    row("W6", price="-1"),                                                 # a negative price: held
    row("W7", **{"订单金额": "lots"}),                                      # rejected
    row("W1"),                                                             # a duplicate of W1
    row("1.23457E+17"),                                                    # a lost order number: orphans
    row("W8"),
]


@pytest.fixture
def chunks(tmp_path):
    path = tmp_path / "orders.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerows(ROWS)

    def read(encode):
        headers, _rows = readers.read_table(path)
        spec = file_reading.ReadSpec(path=str(path), filename="orders.csv", mapping=guess_mapping(headers),
                                     timezone="Asia/Shanghai", chunk_size=4, encode=encode)
        return list(file_reading.read_checked(spec))
    return read


@pytest.mark.parametrize("encode", [True, False])
def test_every_chunk_arrives_as_the_reader_made_it(chunks, encode):
    made = chunks(encode)
    assert sum(len(chunk.orders) for chunk in made) == 10
    for chunk in made:
        arrived = chunk_wire.unpack(pickle.loads(pickle.dumps(chunk_wire.pack(chunk))))
        assert arrived == chunk
        assert [type(o.clean) for o in arrived.orders] == [type(o.clean) for o in chunk.orders]


def test_orders_with_nothing_to_say_go_column_wise_and_the_others_in_their_places(chunks):
    first = chunks(True)[0]   # W1 (plain), W2 (carrier), W3 (plain, escaped text), W4 (flagged)
    _last, firsts, numbers, texts, counts, codes, lines, others = chunk_wire.pack(first)
    assert numbers == ["W1", "W3"] and counts == [2, 1] and codes == ["SKU-1", "SKU-2", "SKU-1"]
    assert [position for position, _fields in others] == [1, 3]
    assert "\n" not in texts.replace("\n", "", 1)   # two texts, one separator: no raw newline inside
