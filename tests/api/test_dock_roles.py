"""The dock belongs to the dock clerk (and packers, supervisors, admins): a picker may not open or
close a manifest; a dock clerk does the whole handover and nothing else."""
from sqlalchemy import func, select

from tests.builders_handover import labelled_orders, make_carrier
from tests.builders_admin import unchanged
from wms.auth import roles
from wms.extensions import db
from wms.handover.models import Manifest
from wms.orders import states
from wms.orders.models import Order


def _open_manifest(client):
    client.post("/handover/manifests", data={"carrier": "SF"})
    return db.session.scalar(select(Manifest))


def test_a_picker_may_neither_open_nor_close_a_manifest_and_nothing_changes(app, client, login, make_user):
    make_carrier("SF")
    _orders, parcels = labelled_orders(1)
    packer = make_user("packer", "dock-packer")
    client.post("/login", data={"username": packer.username, "password": "secret-pass"})
    manifest = _open_manifest(client)
    client.post("/logout")
    login("picker")
    with unchanged():
        assert client.post("/handover/manifests", data={"carrier": "SF"}).status_code == 403
        assert client.post(f"/handover/manifests/{manifest.id}/scan",
                           data={"code": parcels[0].tracking_number}).status_code == 403
        assert client.post(f"/handover/manifests/{manifest.id}/close").status_code == 403
    assert client.get("/handover/").status_code == 403
    assert client.get(f"/handover/manifests/{manifest.id}.pdf").status_code == 403


def test_the_dock_clerk_lands_on_the_dock_and_hands_the_parcels_over(client, login):
    make_carrier("SF")
    orders, parcels = labelled_orders(1)
    login("dock")
    home = client.get("/")
    assert home.headers["Location"].endswith("/handover/")
    page = client.get("/handover/").get_data(as_text=True)
    assert 'href="/handover/"' in page  # the Dock link in the top bar
    manifest = _open_manifest(client)
    client.post(f"/handover/manifests/{manifest.id}/scan", data={"code": parcels[0].tracking_number})
    client.post(f"/handover/manifests/{manifest.id}/close")
    assert db.session.get(Order, orders[0].id).status == states.SHIPPED
    assert client.get(f"/handover/manifests/{manifest.id}.pdf").mimetype == "application/pdf"


def test_the_dock_clerk_reaches_no_other_desk_or_floor_screen(app, client, login):
    login("dock")
    reached = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if "GET" not in rule.methods or rule.arguments or getattr(view, "wms_public", False) \
                or rule.endpoint == "static" or rule.endpoint.startswith("api-docs"):
            continue
        if client.get(rule.rule).status_code != 403:
            reached.append(rule.endpoint)
    assert sorted(reached) == ["auth_api.me", "handover.index"]


def test_the_dock_role_is_offered_to_the_admin_and_shown_in_chinese(client, login):
    login("admin")
    assert 'value="dock"' in client.get("/admin/users").get_data(as_text=True)
    roles_page = client.get("/admin/roles").get_data(as_text=True)
    assert "Dock handover" in roles_page
    response = client.post("/admin/users", data={"username": "dock9", "display_name": "孙交接", "role": "dock",
                                                 "password": "secret-pass-9", "pin": "582913"})
    assert response.status_code in (200, 302)
    from wms.auth.models import User
    assert db.session.scalar(select(func.count()).select_from(User).where(User.role == "dock")) == 1
    from wms.i18n import translate
    assert translate("dock", locale="zh_CN") == "交接员"
    assert translate("Dock handover", locale="zh_CN") == "交接"


def test_the_handover_capability_is_the_dock_clerk_with_packers_supervisors_and_admins():
    assert roles.HANDOVER == {roles.ADMIN, roles.SUPERVISOR, roles.PACKER, roles.DOCK}
    assert roles.PICKER not in roles.HANDOVER
    assert roles.DOCK in roles.HUMAN_ROLES and roles.DOCK not in roles.FLOOR | roles.OFFICE
