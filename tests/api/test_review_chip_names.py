"""The desk names every reason code on a chip and in the counts, in English and Chinese, never the
bare code (import_qty_zero, item_count, price...), and the queue's JSON carries the same name."""
import json
from pathlib import Path

from tests.builders import make_order, make_sku
from wms.extensions import db
from wms.imports.order_rules import FLAGS
from wms.orders import states
from wms.orders.reason_labels import LABELS
from wms.review.rules import RULES


def held_and_flagged():
    make_sku()
    order = make_order(external_id="IMP-1", status=states.ON_HOLD)
    order.hold_reasons = [states.hold_reason("item_count", "the order row says {stated} items, its lines hold "
                                             "{counted}", stated=3, counted=2)]
    order.flags = [states.hold_reason("import_qty_zero", "row {row}: quantity 0, the line was dropped", row=4)]
    db.session.commit()
    return order


def test_english_chips_and_counts_name_the_import_codes(client, login):
    login("reviewer")
    held_and_flagged()
    html = client.get("/review/?lang=en").get_data(as_text=True)
    table = html.split('id="queue-table"')[1]
    assert ">Item count mismatch</span>" in table and "⚑ Qty 0 line dropped" in table
    assert ">item_count<" not in html and "import_qty_zero</" not in html
    flagged = client.get("/review/?state=flagged&lang=en").get_data(as_text=True)
    assert "⚑ Qty 0 line dropped" in flagged and "import_qty_zero</" not in flagged


def test_chinese_chips_name_them_in_chinese(client, login):
    login("reviewer")
    held_and_flagged()
    html = client.get("/review/?lang=zh_CN").get_data(as_text=True)
    assert ">件数不符</span>" in html


def test_the_queue_json_gives_each_reason_its_name(client, login):
    login("reviewer")
    held_and_flagged()
    rows = client.get("/api/review/queue?state=on_hold&lang=en").get_json()["rows"]
    [row] = [r for r in rows if r["external_id"] == "IMP-1"]
    assert [(r["code"], r["label"]) for r in row["reasons"]] == [("item_count", "Item count mismatch")]


def test_every_code_the_rules_and_the_import_put_on_an_order_has_a_name_and_a_chinese_one():
    codes = set(RULES) | {code for code, _template in FLAGS.values()} | {
        "manual", "shortage", "price", "item_count", "platform_status"}
    assert codes <= set(LABELS)
    catalogue = {}
    for path in (Path(__file__).parents[2] / "wms/translations/zh_CN").glob("*.json"):
        catalogue.update(json.loads(path.read_text(encoding="utf-8")))
    assert [name for name in LABELS.values() if name not in catalogue] == []
