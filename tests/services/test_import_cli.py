"""The command line imports (flask wms add-channel / import-skus / import-orders): one JSON line,
exit 0 when the run completed, the upload page's path; a realistic export of each platform's
layout ends exactly as expected, and importing it again changes nothing."""
import json

import pytest
from sqlalchemy import func, select

from tests.builders import make_sku
from tests.builders_exports import build, counts, expected_counts, realistic_specs, report_rows, snapshot
from tests.builders_imports import no_review  # noqa: F401
from wms.extensions import db
from wms.orders.models import Channel, Order

pytestmark = pytest.mark.usefixtures("no_review")
PRESETS = ("shopify", "taobao", "pdd", "jd", "douyin")


@pytest.fixture
def catalogue(app):
    for n, code in enumerate(("SKU-1", "SKU-2", "SKU-3")):
        make_sku(code, barcodes=(f"690000000000{n}",))


def cli(app, *args):
    result = app.test_cli_runner().invoke(args=["wms", *args])
    lines = [line for line in result.output.splitlines() if line.strip()]
    return result.exit_code, json.loads(lines[-1]) if lines else None


def write(tmp_path, export):
    orders = tmp_path / export.filename
    orders.write_bytes(export.orders)
    lines = None
    if export.lines is not None:
        lines = tmp_path / export.lines_filename
        lines.write_bytes(export.lines)
    return orders, lines


@pytest.mark.parametrize("preset", PRESETS)
def test_a_realistic_export_of_each_platform_imports_from_the_command_line_as_expected_and_again_changes_nothing(
        app, catalogue, tmp_path, preset):
    code, added = cli(app, "add-channel", f"{preset}-shop", "--platform", preset, "--name", "小明的店")
    assert code == 0 and added["platform"] == preset
    export = build(preset, realistic_specs("4"))
    orders_path, lines_path = write(tmp_path, export)
    args = ["import-orders", str(orders_path), "--channel", f"{preset}-shop"]
    if lines_path:
        args += ["--lines", str(lines_path)]
    code, first = cli(app, *args)
    assert code == 0, first
    assert first["preset"] == preset and first["status"] == "done"
    wanted = expected_counts(export)
    assert {k: first["rejected" if k == "failed" else k] for k in wanted} == wanted
    assert first["orders"] == len(export.expected) and first["orphans"] == export.orphans
    blocks = {(r["order"], r["outcome"]) for r in report_rows(first["report"]) if r["outcome"] != "orphan"}
    assert len(blocks) == len(export.expected)   # every block reported (one block, one outcome)
    before = snapshot(db.session)
    code, again = cli(app, *args)
    assert code == 0
    wanted_again = expected_counts(export, again=True)
    assert {k: again["rejected" if k == "failed" else k] for k in wanted_again} == wanted_again
    db.session.expire_all()
    assert snapshot(db.session) == before


def test_the_taobao_pair_joins_lines_on_the_order_number_whatever_excel_did_to_it(app, catalogue, tmp_path):
    cli(app, "add-channel", "tb", "--platform", "taobao")
    specs = realistic_specs("5")
    orders_path, lines_path = write(tmp_path, build("taobao", specs, orphan_lines=2))
    code, result = cli(app, "import-orders", str(orders_path), "--channel", "tb", "--lines", str(lines_path))
    assert code == 0 and result["orphans"] == 2 + 1   # two orphan lines and the mangled order's line
    first = db.session.scalar(select(Order).where(Order.external_id == specs[0].eid))
    assert [(l.sku_code, l.qty) for l in first.lines] == [("SKU-1", 2), ("SKU-2", 1)]
    assert (first.province, first.city, first.district, first.postcode) == ("浙江省", "杭州市", "西湖区", "310012")
    assert first.buyer_phone == "+8613800138000" and first.buyer_remark == specs[0].remark
    repeated = db.session.scalar(select(Order).where(Order.external_id == specs[5].eid))
    assert [(l.sku_code, l.qty) for l in repeated.lines] == [("SKU-3", 1)]   # qty-0 line dropped, none doubled


def test_held_and_flagged_orders_reach_the_review_desk_with_their_reasons(app, catalogue, tmp_path):
    from wms.review.models import OrderFlagCode, OrderHoldCode

    cli(app, "add-channel", "tb", "--platform", "taobao")
    specs = realistic_specs("6")
    orders_path, lines_path = write(tmp_path, build("taobao", specs))
    cli(app, "import-orders", str(orders_path), "--channel", "tb", "--lines", str(lines_path))
    by_id = {o.external_id: o for o in db.session.scalars(select(Order)).all()}
    pending, zero, no_sku, negative = (by_id[specs[i].eid] for i in (2, 5, 6, 7))
    assert (pending.status, pending.hold_codes) == ("on_hold", ["payment"])
    assert (negative.status, negative.hold_codes) == ("on_hold", ["price"])
    assert [f["code"] for f in zero.flags] == ["import_qty_zero"] and zero.status == "imported"
    assert [f["code"] for f in no_sku.flags] == ["import_no_sku"]
    held = set(db.session.execute(select(OrderHoldCode.order_id, OrderHoldCode.code)).all())
    assert held == {(pending.id, "payment"), (negative.id, "price")}
    flagged = set(db.session.execute(select(OrderFlagCode.order_id, OrderFlagCode.code)).all())
    assert {(zero.id, "import_qty_zero"), (no_sku.id, "import_no_sku")} <= flagged


def test_a_shopify_export_keeps_each_orders_currency(app, catalogue, tmp_path):
    from tests.builders_exports import OrderSpec

    cli(app, "add-channel", "shop", "--platform", "shopify")
    export = build("shopify", [OrderSpec("6100000001", currency="JPY", lines=[("SKU-1", "T", 1, "6225")]),
                               OrderSpec("6100000002", currency="USD")])
    orders_path, _ = write(tmp_path, export)
    code, result = cli(app, "import-orders", str(orders_path), "--channel", "shop")
    assert code == 0 and result["created"] == 2
    found = dict(db.session.execute(select(Order.external_id, Order.currency)).all())
    assert found == {"6100000001": "JPY", "6100000002": "USD"}


def test_import_orders_for_an_unknown_channel_or_a_missing_file_says_why_and_imports_nothing(app, tmp_path):
    code, result = cli(app, "import-orders", str(tmp_path / "none.csv"), "--channel", "nope")
    assert code == 1 and "nope" in result["error"]
    cli(app, "add-channel", "web", "--platform", "manual")
    code, result = cli(app, "import-orders", str(tmp_path / "none.csv"), "--channel", "web")
    assert code == 1 and result["field"] == "file"
    assert db.session.scalar(select(func.count(Order.id))) == 0


def test_a_file_whose_columns_cannot_be_mapped_fails_its_run_with_the_reason(app, tmp_path):
    cli(app, "add-channel", "web", "--platform", "manual")
    path = tmp_path / "odd.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    code, result = cli(app, "import-orders", str(path), "--channel", "web")
    assert code == 1 and result["status"] == "failed" and "external_id" in result["message"]


def test_add_channel_refuses_a_taken_code_and_import_skus_reports_its_counts(app, tmp_path):
    assert cli(app, "add-channel", "web", "--platform", "manual")[0] == 0
    code, result = cli(app, "add-channel", "web", "--platform", "jd")
    assert code == 1 and result["field"] == "code"
    assert db.session.scalar(select(func.count(Channel.id))) == 1
    skus = tmp_path / "skus.csv"
    skus.write_text("编码,名称\nSKU-9,袜子\n,无编码\n", encoding="utf-8")
    code, result = cli(app, "import-skus", str(skus))
    assert code == 0 and (result["created"], result["rejected"]) == (1, 1)


def test_the_command_line_runs_the_automatic_review_before_it_answers_even_with_a_worker(
        app, catalogue, tmp_path, monkeypatch):
    """Outside tests jobs go to the worker; the command still finishes the review itself, so a
    nightly script that reads the orders right after finds them reviewed (none left `imported`)."""
    from wms.imports import review_queue

    monkeypatch.setattr(review_queue, "review_available", lambda: True)
    monkeypatch.setitem(app.config, "RQ_SYNC", False)
    pushed = []
    monkeypatch.setattr("wms.worker.push", lambda *args, **kw: pushed.append(args))
    cli(app, "add-channel", "nightly", "--platform", "shopify")
    orders_path, _ = write(tmp_path, build("shopify", realistic_specs("6")))
    code, result = cli(app, "import-orders", str(orders_path), "--channel", "nightly")
    assert code == 0 and result["created"] > 0
    db.session.expire_all()
    statuses = db.session.scalars(select(Order.status).join(Channel).where(Channel.code == "nightly")).all()
    assert statuses and "imported" not in statuses
    assert pushed == []   # nothing was left for a worker


@pytest.mark.parametrize("preset", [p for p in PRESETS if p != "pdd"])   # 拼多多's export has no unit price
def test_each_layout_gives_the_unit_price_not_the_line_total(app, catalogue, tmp_path, preset):
    """The first order buys two T-shirts at 49.90: its line's unit price is 49.90 in every layout
    that states one (抖店's 商品金额 is the line's total, 99.80; its 商品单价 the unit price)."""
    cli(app, "add-channel", "prices", "--platform", preset)
    specs = realistic_specs("8")
    orders_path, lines_path = write(tmp_path, build(preset, specs))
    args = ["import-orders", str(orders_path), "--channel", "prices"] + (["--lines", str(lines_path)] if lines_path else [])
    assert cli(app, *args)[0] == 0
    first = db.session.scalar(select(Order).where(Order.external_id == specs[0].eid))
    assert [(l.sku_code, l.qty, l.unit_price_cents) for l in first.lines] == [("SKU-1", 2, 4990), ("SKU-2", 1, 1990)]
