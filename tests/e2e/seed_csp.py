"""Seed for the Content-Security-Policy screens test: a packer and a station of its own, a
supervisor and a wall TV link (after the handheld seed, whose picker badges it reuses). Prints JSON."""
import json

from tests.builders import make_user
from tests.builders_packing import make_station
from tests.e2e.seeding import seeded_app
from wms.dashboard import services as wall


def seed():
    make_station("PS-CSP", name="Bench CSP")
    packer = make_user("packer", "packer-csp")
    supervisor = make_user("supervisor", "super-csp")
    wall.rebuild_metrics()
    _screen, key = wall.create_screen("CSP TV", actor=supervisor)
    return {"packer": packer.username, "supervisor": supervisor.username, "key": key}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
