"""Wave filters from forms, and the automatic wave rule."""
import pytest

from tests.builders_picking import allocated_orders, stocked_warehouse
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.picking import rules
from wms.picking.models import Wave


def test_limits_from_a_form_keep_defaults_for_empty_fields_and_refuse_nonsense(app):
    limits = rules.limits_from({"tote_slots": "6", "max_orders": ""})
    assert limits.tote_slots == 6 and limits.max_orders == 400
    with pytest.raises(ValidationFailed, match="at least 1") as refused:
        rules.limits_from({"tote_slots": "0"})
    assert refused.value.details["field"] == "tote_slots"
    with pytest.raises(ValidationFailed, match="whole number"):
        rules.limits_from({"max_orders": "lots"})


def test_the_automatic_rule_releases_a_wave_when_due_and_records_the_result(app):
    warehouse, _ = stocked_warehouse()
    allocated_orders([("R1", [("SKU-0", 1)]), ("R2", [("SKU-1", 2)])])
    rules.save_rule(warehouse.id, True, 30, 100, {"tote_slots": "4"})
    results = rules.run_auto_waves()
    assert "released" in results[warehouse.id]
    assert db.session.query(Wave).count() == 1
    # just ran, nothing waiting: not due again
    assert rules.run_auto_waves() == {}
    assert rules.get_rule(warehouse.id).last_result.startswith("released")


def test_a_disabled_rule_never_releases(app):
    warehouse, _ = stocked_warehouse()
    allocated_orders([("S1", [("SKU-0", 1)])])
    rules.save_rule(warehouse.id, False, 1, 1, {})
    assert rules.run_auto_waves() == {}
    assert db.session.query(Wave).count() == 0
