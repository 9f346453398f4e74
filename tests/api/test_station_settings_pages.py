"""The pack-station setup: validated fields with help; a refused post keeps what was typed."""
from tests.builders_packing import make_carrier
from wms.extensions import db
from wms.shipping.models import PackStation


def _station(**changes):
    posted = {"code": "PS-9", "name": "Bench 9", "printer_host": "10.0.0.9", "printer_port": "9100",
              "zpl_font": "E:SIMSUN.TTF", "paper": "76x130", "default_carrier_code": "SF", "has_scale": "on"}
    posted.update(changes)
    return posted


def _row(code="PS-9"):
    db.session.expire_all()
    return db.session.query(PackStation).filter_by(code=code).one_or_none()


def test_a_station_is_saved_from_its_fields(client, login):
    login("admin")
    make_carrier("SF")
    assert client.post("/station/setup/station", data=_station()).status_code == 302
    row = _row()
    assert (row.printer_host, row.printer_port, row.paper, row.default_carrier_code, row.has_scale) == \
        ("10.0.0.9", 9100, "76x130", "SF", True)
    client.post("/station/setup/station", data=_station(has_scale=None, printer_host=""))
    assert not _row().has_scale and _row().printer_host == ""


def test_a_refused_station_keeps_the_input_marks_the_fields_and_saves_nothing(client, login):
    login("admin")
    response = client.post("/station/setup/station", data=_station(printer_port="70000", paper="A4",
                                                                   default_carrier_code="NOPE"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="10.0.0.9"' in page and 'value="70000"' in page and 'value="E:SIMSUN.TTF"' in page
    for name in ("printer-port", "paper", "default-carrier-code"):
        assert page.split(f'id="f-new-{name}"')[1].split(">")[0].count('aria-invalid="true"') == 1
    assert "Enter a whole number from 1 to 65535" in page and "No carrier has the code NOPE" in page
    assert _row() is None


def test_a_station_code_is_required_and_marked(client, login):
    login("admin")
    response = client.post("/station/setup/station", data=_station(code="", default_carrier_code=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="f-new-code" name="code" aria-invalid="true"' in page
    assert db.session.query(PackStation).count() == 0
