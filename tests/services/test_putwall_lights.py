"""The put-to-light adapter against the sandbox controller over real HTTP, and the wall's scans
lighting its slots through the job."""
import pytest

from tests.builders import make_user
from tests.builders_putwall import pick_everything, put, wall_with_wave
from wms.putwall import lights, screens_and_lights
from wms.putwall.lights_sandbox import LightsSandbox


@pytest.fixture
def controller():
    sandbox = LightsSandbox().start()
    yield sandbox
    sandbox.stop()


def test_the_adapter_sets_modules_and_reads_them_back_over_http(controller):
    applied = lights.send(controller.url, "PW1", [lights.command("PW1-A01", "green", "1/3", True)])
    assert applied == 1
    assert lights.shown(controller.url, "PW1") == {"PW1-A01": {"color": "green", "text": "1/3", "blink": True}}


def test_a_controller_that_fails_or_answers_garbage_is_unavailable(controller):
    controller.fail_next("down")
    with pytest.raises(lights.LightsUnavailable, match="controller busy"):
        lights.send(controller.url, "PW1", [lights.command("PW1-A01", "off")])
    controller.fail_next("garbage")
    with pytest.raises(lights.LightsUnavailable):
        lights.send(controller.url, "PW1", [lights.command("PW1-A01", "off")])
    with pytest.raises(lights.LightsUnavailable):
        lights.send("http://127.0.0.1:9", "PW1", [])
    assert lights.shown(controller.url, "PW1") == {}


def test_the_sandbox_refuses_a_malformed_command(controller):
    import requests

    answer = requests.post(f"{controller.url}/v1/walls/PW1/lights", json={"lights": [{"slot": "X", "color": "pink"}]},
                           timeout=3)
    assert answer.status_code == 400 and answer.json()["ok"] is False
    assert controller.received == []


def test_an_unknown_colour_is_never_sent():
    with pytest.raises(ValueError):
        lights.command("PW1-A01", "pink")


def test_a_scan_lights_its_slot_green_and_a_complete_slot_says_pack(app, controller):
    wall, _wave, task, picker, _orders = wall_with_wave(light_url=controller.url)
    pick_everything(task, picker)
    sorter = make_user("packer", "sorter1")
    assert put(sorter, wall, "6900000000000")["slot"] == "PW1-A01"
    shown = lights.shown(controller.url, "PW1")
    assert shown["PW1-A01"] == {"color": "green", "text": "1/3", "blink": True}
    assert shown["PW1-A02"]["color"] == "white" and shown["PW1-B01"]["color"] == "off"
    put(sorter, wall, "6900000000002")
    shown = lights.shown(controller.url, "PW1")
    assert shown["PW1-A03"] == {"color": "blue", "text": "PACK", "blink": False}
    assert shown["PW1-A01"]["color"] == "white"   # lit no more: the next scan went elsewhere
    assert screens_and_lights.show_lights(wall.id, None) == 6


def test_a_unit_refused_for_an_order_cancelled_in_its_slot_turns_that_slot_red_and_changes_nothing(app, controller):
    from wms.extensions import db
    from wms.orders.models import Order
    from wms.putwall.models import PutWallItem

    wall, _wave, task, picker, orders = wall_with_wave(light_url=controller.url)
    pick_everything(task, picker)
    sorter = make_user("packer", "sorter1")
    put(sorter, wall, "6900000000000")
    assert lights.shown(controller.url, "PW1")["PW1-A01"]["color"] == "green"
    order = db.session.get(Order, orders[0].id)
    order.transition_to("cancelled", reason="cancelled on the platform")   # elsewhere: the wall is not told
    db.session.commit()
    refused = put(sorter, wall, "6900000000001")   # only W1 wanted SKU-1
    assert refused["status"] == "rejected" and refused["code"] == "wall_order_cancelled"
    assert lights.shown(controller.url, "PW1")["PW1-A01"] == {"color": "red", "text": "1", "blink": True}
    db.session.expire_all()
    assert sorted(i.put_qty for i in db.session.query(PutWallItem).filter_by(order_id=order.id)) == [0, 1]
