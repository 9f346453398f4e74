"""The carton form on the pack-station setup page: checked fields with help; a refused post keeps
what was typed, marks each wrong input and saves nothing; a saved carton is said."""
import re

from wms.extensions import db
from wms.packing.models import CartonType


def _carton(**changes):
    posted = {"code": "B3", "name": "Medium box", "length_mm": "300", "width_mm": "200", "height_mm": "150",
              "tare_g": "120", "max_weight_g": "8000"}
    posted.update(changes)
    return {name: value for name, value in posted.items() if value is not None}


def _row(code="B3"):
    db.session.expire_all()
    return db.session.query(CartonType).filter_by(code=code).one_or_none()


def _input(page, input_id):
    return re.search(rf'<(?:input|select|textarea)[^>]*\bid="{input_id}"[^>]*>', page).group(0)


def test_a_carton_is_saved_from_its_fields_and_the_page_says_so(client, login):
    login("admin")
    response = client.post("/station/setup/carton", data=_carton())
    assert response.status_code == 302
    row = _row()
    assert (row.name, row.length_mm, row.width_mm, row.height_mm, row.tare_g, row.max_weight_g) == \
        ("Medium box", 300, 200, 150, 120, 8000)
    page = client.get(response.location).get_data(as_text=True)
    assert "Carton B3 saved" in page and "300×200×150" in page


def test_saving_an_existing_code_updates_it_and_empty_optional_numbers_are_zero(client, login):
    login("admin")
    client.post("/station/setup/carton", data=_carton())
    assert client.post("/station/setup/carton", data=_carton(length_mm="320", tare_g="", max_weight_g="")).status_code == 302
    row = _row()
    assert (row.length_mm, row.tare_g, row.max_weight_g) == (320, 0, 0)
    assert db.session.query(CartonType).count() == 1


def test_bad_numbers_are_refused_marked_and_kept_not_saved_as_zero(client, login):
    login("admin")
    response = client.post("/station/setup/carton", data=_carton(length_mm="3O0", width_mm="0", tare_g="-5"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for name in ("length-mm", "width-mm", "tare-g"):
        assert 'aria-invalid="true"' in _input(page, f"f-carton-{name}"), name
    assert "aria-invalid" not in _input(page, "f-carton-height-mm")
    assert 'value="3O0"' in _input(page, "f-carton-length-mm") and 'value="150"' in _input(page, "f-carton-height-mm")
    assert 'value="Medium box"' in _input(page, "f-carton-name")
    assert "Enter a whole number from 1 to 5000" in page and "Enter a whole number from 0 to 1000000" in page
    assert _row() is None


def test_a_missing_code_and_size_are_marked_as_required_in_chinese(client, login):
    admin = login("admin")
    admin.locale = "zh_CN"
    db.session.commit()
    response = client.post("/station/setup/carton", data=_carton(code="  ", height_mm=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(page, "f-carton-code") and 'aria-invalid="true"' in _input(page, "f-carton-height-mm")
    assert "required" in _input(page, "f-carton-code") and "required" not in _input(page, "f-carton-tare-g")
    assert "必填" in page.split('id="f-carton-code-error"')[1].split("</small>")[0]
    assert "空纸箱的重量" in page
    assert db.session.query(CartonType).count() == 0


def test_a_refused_carton_leaves_the_station_forms_as_they_were(client, login):
    login("admin")
    page = client.post("/station/setup/carton", data=_carton(length_mm="")).get_data(as_text=True)
    assert "aria-invalid" not in _input(page, "f-new-code") and 'value="9100"' in _input(page, "f-new-printer-port")
