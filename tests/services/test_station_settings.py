"""The pack stations' print settings, kept by shipping (wms/shipping/stations.py)."""
import pytest

from tests.builders_packing import make_station
from wms.errors import NotFound, ValidationFailed
from wms.extensions import db
from wms.shipping import stations
from wms.shipping.models import PackStation


def test_saving_a_station_creates_it_then_updates_the_same_row(app):
    first = stations.save_station("PS-7", name="Bench 7", printer_host="10.0.0.7", paper="76x130")
    again = stations.save_station("PS-7", printer_port=9101)
    assert again.id == first.id and db.session.query(PackStation).count() == 1
    assert (again.name, again.printer_host, again.printer_port, again.paper) == ("Bench 7", "10.0.0.7", 9101, "76x130")


@pytest.mark.parametrize("code", ["", "X" * 65])
def test_a_station_without_a_usable_code_is_refused_and_nothing_is_saved(app, code):
    with pytest.raises(ValidationFailed) as refused:
        stations.save_station(code, name="nameless")
    assert refused.value.details["field"] == "code"
    assert db.session.query(PackStation).count() == 0


def test_a_station_prints_on_its_own_paper_and_an_unknown_one_on_the_default(app):
    make_station("PS-1", paper="76x130")
    assert stations.station_paper("PS-1") == "76x130"
    assert stations.station_paper("PS-404") == stations.DEFAULT_PAPER == "100x150"


def test_an_inactive_station_is_not_listed_nor_signed_in_at_but_its_printer_is_still_found(app):
    make_station("PS-1")
    make_station("PS-2", active=False, printer_host="10.0.0.2")
    assert [station.code for station in stations.stations()] == ["PS-1"]
    assert stations.active_station("PS-1").code == "PS-1"
    with pytest.raises(NotFound):
        stations.active_station("PS-2")
    assert stations.find_station("PS-2").printer_host == "10.0.0.2"  # its queued labels still print there
    assert stations.find_station("PS-404") is None
