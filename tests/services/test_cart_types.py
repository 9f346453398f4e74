"""Cart types: the form's validation, and waves planned with a cart type's limits (totes, lines,
units, weight, volume) with each cart's load shown in the preview."""
import pytest

from tests.builders_picking import allocated_orders, stocked_warehouse
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.picking import cart_types, services, waves
from wms.picking.cart_models import CartType

FORM = {"name": "Cart 4x20L", "totes": "4", "tote_volume_cm3": "20000", "tote_max_weight_g": "5000",
        "max_lines": "6", "max_units": "5"}


def test_a_cart_type_is_saved_from_its_form_and_updated_by_name(app):
    row = cart_types.save_cart_type(FORM)
    assert (row.totes, row.tote_volume_cm3, row.max_lines, row.max_units) == (4, 20000, 6, 5)
    cart_types.save_cart_type({**FORM, "totes": "6", "max_units": ""})
    assert db.session.query(CartType).count() == 1 and row.totes == 6 and row.max_units is None


@pytest.mark.parametrize("field, value", [("totes", "0"), ("totes", "abc"), ("tote_volume_cm3", ""),
                                          ("name", ""), ("max_lines", "-1"), ("tote_max_weight_g", "999999999")])
def test_a_wrong_cart_type_input_is_named_and_nothing_is_saved(app, field, value):
    with pytest.raises(ValidationFailed):
        cart_types.save_cart_type({**FORM, field: value})
    assert db.session.query(CartType).count() == 0


def test_a_wave_form_naming_a_retired_or_unknown_cart_type_is_refused(app):
    row = cart_types.save_cart_type(FORM)
    cart_types.retire_cart_type(row.id)
    for raw in (str(row.id), "999", "x"):
        with pytest.raises(ValidationFailed) as refused:
            cart_types.with_cart_type({"cart_type": raw}, waves.WaveLimits())
        assert refused.value.details.get("field") == "cart_type"


def test_the_preview_plans_with_the_cart_types_limits_and_shows_each_carts_load(app):
    warehouse, _ = stocked_warehouse()
    allocated_orders([(f"C{i}", [("SKU-0", 2), ("SKU-1", 1)]) for i in range(5)])
    row = cart_types.save_cart_type({**FORM, "max_lines": "", "max_units": "7"})
    limits = cart_types.with_cart_type({"cart_type": str(row.id)}, waves.WaveLimits())
    assert (limits.tote_slots, limits.max_batch_units, limits.cart_type) == (4, 7, "Cart 4x20L")
    preview = services.preview_wave(warehouse.id, limits=limits)
    assert preview.orders == 5 and preview.limits.cart_type == "Cart 4x20L"
    assert all(b.units <= 7 for b in preview.batches) and len(preview.batches) >= 3   # 3 units an order, 7 a cart
    assert sum(b.units for b in preview.batches) == 15
    assert all(b.weight_g == 3 * 200 * len(b.order_ids) for b in preview.batches)
    assert waves.fill_pct(preview.batches[0].units, 7) == round(100 * preview.batches[0].units / 7)


def test_the_waves_page_names_the_cart_type_and_draws_fill_bars(app, client, login):
    login("supervisor")
    warehouse, _ = stocked_warehouse()
    allocated_orders([("C1", [("SKU-0", 2)])])
    row = cart_types.save_cart_type(FORM)
    page = client.get("/waves/")
    assert "Cart 4x20L" in page.get_data(as_text=True)
    html = client.post("/waves/preview", data={"warehouse": warehouse.id, "cart_type": row.id,
                                               "csrf_token": ""}).get_data(as_text=True)
    assert "Cart type: Cart 4x20L" in html and 'role="meter"' in html and "Units 40%" in html
