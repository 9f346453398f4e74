"""`make run`'s demo has cart types and a put wall whose lights are the sandbox controller the launcher
starts on its fixed port (a free one here)."""
from sqlalchemy import select

from wms import demo
from wms.extensions import db
from wms.picking.cart_models import CartType
from wms.putwall import lights, screens_and_lights, wall_view
from wms.putwall.lights_sandbox import start_for_demo
from wms.putwall.models import PutWall


def test_the_demo_seeds_two_cart_types_and_a_put_wall_lit_by_the_sandbox_controller(app):
    controller = start_for_demo(0)
    try:
        app.config["PUTWALL_LIGHTS_SANDBOX_URL"] = controller.url
        demo.seed(n_skus=40, n_orders=30)
        assert sorted(c.name for c in db.session.scalars(select(CartType))) == ["8 格拣货车", "播种整车"]
        wall = db.session.scalar(select(PutWall))
        assert (wall.code, wall.rows, wall.columns, wall.light_url) == ("PW1", 4, 6, controller.url)
        assert len(wall_view.wall_state(wall.id)["slots"]) == 24
        screens_and_lights.show_lights(wall.id)
        shown = lights.shown(controller.url, "PW1")
        assert len(shown) == 24 and {s["color"] for s in shown.values()} == {"off"}
    finally:
        controller.stop()


def test_the_demo_controller_steps_aside_when_its_port_is_taken():
    controller = start_for_demo(0)
    try:
        assert start_for_demo(controller.server.server_address[1]) is None
    finally:
        controller.stop()
