"""Supervisor wave pages: preview, release, reassign, pick list PDF; pickers are refused."""
import io

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
    response = client.post("/waves/release", data={"warehouse": warehouse.id, "tote_slots": "-3"}, follow_redirects=True)
    assert b"tote_slots must be at least 1" in response.data
    assert db.session.query(Wave).count() == 0


def test_pickers_cannot_release_waves(client, login):
    warehouse, _ = stocked_warehouse()
    login("picker")
    assert client.post("/waves/release", data={"warehouse": warehouse.id}).status_code == 403
    assert client.get("/waves/").status_code == 403
