"""Supervisor wave pages: preview, release, reassign, pick list PDF; pickers are refused."""
import io
import re

from pypdf import PdfReader

from tests.builders import make_user
from tests.builders_picking import allocated_orders, stocked_warehouse
from wms.extensions import db
from wms.picking.models import PickTask, Wave


def test_a_supervisor_previews_then_releases_a_wave_and_prints_a_pick_list(client, login):
    warehouse, _ = stocked_warehouse()
    allocated_orders([("P1", [("SKU-0", 2), ("SKU-3", 1)]), ("P2", [("SKU-1", 1)])])
    login("supervisor")
    page = client.post("/waves/preview", data={"warehouse": warehouse.id, "tote_slots": 8})
    assert page.status_code == 200 and b'id="preview"' in page.data
    assert db.session.query(Wave).count() == 0  # preview writes nothing

    response = client.post("/waves/release", data={"warehouse": warehouse.id, "tote_slots": 8})
    assert response.status_code == 302
    wave = db.session.query(Wave).one()
    detail = client.get(f"/waves/{wave.id}")
    assert wave.code.encode() in detail.data

    task = db.session.query(PickTask).first()
    pdf = client.get(f"/waves/tasks/{task.id}/picklist.pdf")
    assert pdf.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert task.code in text and "拣货单" in text and "A-0" in text


def test_reassigning_from_the_wave_page_moves_the_task(client, login):
    warehouse, _ = stocked_warehouse()
    allocated_orders([("Q1", [("SKU-0", 1)])])
    login("supervisor")
    client.post("/waves/release", data={"warehouse": warehouse.id})
    task = db.session.query(PickTask).one()
    picker = make_user("picker", "anna")
    response = client.post(f"/waves/tasks/{task.id}/assign", data={"picker_id": picker.id, "version": task.version})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PickTask, task.id).picker_id == picker.id


def test_bad_wave_input_is_a_clear_message_and_releases_nothing(client, login):
    warehouse, _ = stocked_warehouse()
    allocated_orders([("Z1", [("SKU-0", 1)])])
    login("supervisor")
    response = client.post("/waves/release", data={"warehouse": warehouse.id, "tote_slots": "-3", "carriers": "SF"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Enter a whole number of at least 1" in page
    marked = re.search(r'<input[^>]*\bid="f-wave-tote-slots"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in marked and 'value="-3"' in marked
    assert 'value="SF"' in re.search(r'<input[^>]*\bid="f-wave-carriers"[^>]*>', page).group(0)
    assert db.session.query(Wave).count() == 0


def test_pickers_cannot_release_waves(client, login):
    warehouse, _ = stocked_warehouse()
    login("picker")
    assert client.post("/waves/release", data={"warehouse": warehouse.id}).status_code == 403
    assert client.get("/waves/").status_code == 403


def test_a_refused_automatic_rule_keeps_its_input_marks_it_and_saves_nothing(client, login):
    from wms.picking.models import WaveRule

    warehouse, _ = stocked_warehouse()
    login("supervisor")
    response = client.post("/waves/rule", data={"warehouse": warehouse.id, "enabled": "on", "every_minutes": "0",
                                                 "at_orders": "150", "tote_slots": "6"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    every = re.search(r'<input[^>]*\bid="f-rule-every-minutes"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in every and 'value="0"' in every
    assert 'value="150"' in re.search(r'<input[^>]*\bid="f-rule-at-orders"[^>]*>', page).group(0)
    assert "checked" in page.split('id="f-rule-enabled"')[1].split(">")[0]
    assert "aria-invalid" not in re.search(r'<input[^>]*\bid="f-wave-tote-slots"[^>]*>', page).group(0)
    db.session.expire_all()
    rule = db.session.query(WaveRule).filter_by(warehouse_id=warehouse.id).one_or_none()
    assert rule is None or (not rule.enabled and rule.at_orders != 150)
    saved = client.post("/waves/rule", data={"warehouse": warehouse.id, "enabled": "on", "every_minutes": "15",
                                              "at_orders": "150", "tote_slots": "6"})
    assert saved.status_code == 302
    db.session.expire_all()
    rule = db.session.query(WaveRule).filter_by(warehouse_id=warehouse.id).one()
    assert (rule.enabled, rule.every_minutes, rule.at_orders, rule.limits["tote_slots"]) == (True, 15, 150, 6)
