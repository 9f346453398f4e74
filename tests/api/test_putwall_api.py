"""The put wall over HTTP: its state and the screen's outbox replay (exactly once), the pages."""
from tests.builders_putwall import pick_everything, wall_with_wave


def test_the_screen_replays_its_outbox_once_and_reads_the_wall(app, client, login):
    wall, _wave, task, picker, _orders = wall_with_wave()
    pick_everything(task, picker)
    login("packer")
    event = {"uuid": "wall-http-0001", "kind": "wall_put", "wall": "PW1", "barcode": "6900000000002", "seq": 1}
    first = client.post("/api/putwall/events", json={"device": "wall-1", "events": [event]},
                        headers={"Origin": "http://localhost"})
    again = client.post("/api/putwall/events", json={"device": "wall-1", "events": [event]},
                        headers={"Origin": "http://localhost"})
    assert first.status_code == 200 and first.json["answers"][0]["slot"] == "PW1-A03"
    assert again.json["answers"][0]["duplicate"] is True
    state = client.get(f"/api/putwall/walls/{wall.id}/state").json
    slot = next(s for s in state["slots"] if s["code"] == "PW1-A03")
    assert slot["status"] == "complete" and slot["units"] == 1 and slot["items"][0]["barcodes"] == ["6900000000002"]
    assert client.post("/api/putwall/events", json={"events": []}, headers={"Origin": "http://localhost"}).status_code == 422


def test_the_wall_pages_open_for_their_roles(app, client, login):
    wall, *_ = wall_with_wave()
    login("supervisor")
    assert "PW1-A01" in client.get("/floor/walls").get_data(as_text=True)
    assert client.get("/floor/cart-types").status_code == 200
    assert client.get(f"/floor/walls/{wall.id}/screen").status_code == 200
