"""Warehouses, layout import from CSV, the demo layout."""
import pytest
from sqlalchemy import func, select

from tests.builders_inventory import make_bin, make_warehouse
from wms.errors import ValidationFailed
from wms.inventory import services
from wms.inventory.models import Bin, Warehouse

CSV = ("zone,code,barcode,aisle,block,position_m,side,level\n"
       "A,A-01-01-1,LOC-1,1,1,1.0,L,1\n"
       "A,A-02-01-1,LOC-2,1,1,1.0,R,1\n"
       "B,B-01-01-1,LOC-3,2,1,3.0,L,2\n")


def test_a_warehouse_is_created_and_edited_with_checked_fields(db):
    warehouse = services.save_warehouse(code="HZ1", name="杭州仓", region="浙江省", n_aisles="14")
    assert warehouse.n_aisles == 14 and warehouse.timezone == "Asia/Shanghai"
    services.save_warehouse(warehouse.id, priority="3", timezone="Asia/Urumqi")
    assert db.session.get(Warehouse, warehouse.id).priority == 3
    for bad in ({"timezone": "Mars/Base"}, {"n_aisles": "0"}, {"depot_aisle": "14"}, {"n_blocks": "x"}):
        with pytest.raises(ValidationFailed):
            services.save_warehouse(warehouse.id, **bad)
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        services.save_warehouse(code="HZ1", name="again")


def test_a_layout_csv_creates_bins_and_zones_and_a_reimport_updates_them(db):
    warehouse = make_warehouse(n_aisles=4)
    assert services.import_layout(warehouse.id, CSV) == {"created": 3, "updated": 0}
    row = db.session.scalar(select(Bin).filter_by(code="B-01-01-1"))
    assert (row.aisle, row.block, row.position_m, row.side, row.level, row.zone.code) == (1, 0, 3.0, "L", 2, "B")
    assert services.import_layout(warehouse.id, CSV.replace(",3.0,", ",4.0,")) == {"created": 0, "updated": 3}
    assert db.session.scalar(select(Bin).filter_by(code="B-01-01-1")).position_m == 4.0


def test_a_layout_with_a_bad_row_or_a_foreign_barcode_imports_nothing(db):
    warehouse = make_warehouse(n_aisles=4)
    make_bin(make_warehouse("SH1"), code="X-1", barcode="LOC-3")
    with pytest.raises(ValidationFailed) as caught:
        services.import_layout(warehouse.id, CSV)
    assert caught.value.details["errors"] == [{"row": 4, "field": "barcode",
                                               "message": "already used by another warehouse's bin"}]
    with pytest.raises(ValidationFailed) as caught:
        services.import_layout(warehouse.id, CSV + "A,Z-1,LOC-9,9,1,1,L,1\n")
    assert {"row": 5, "field": "aisle", "message": "must be between 1 and 4"} in caught.value.details["errors"]
    assert db.session.scalar(select(func.count(Bin.id)).where(Bin.warehouse_id == warehouse.id)) == 0


def test_the_demo_seed_builds_two_warehouses_with_bins_once(db):
    made = services.seed_demo_warehouses()
    assert [w.code for w in made] == ["HZ1", "SH2"]
    assert db.session.scalar(select(func.count(Bin.id))) == 12 * 30 * 3 + 16 * 60 * 3
    assert services.seed_demo_warehouses() == []
    assert [b.code for b in services.find_bins(made[0].id, "A-01-0")][:2] == ["A-01-01-1", "A-01-02-1"]
