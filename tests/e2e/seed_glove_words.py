"""Seed for the floor's words test: a packer per language and a picked order of its own at the glove
bench (tests/e2e/seed_glove.py's bench(), made by whichever suite asks first). Prints JSON."""
import json

from tests.builders import make_channel, make_user
from tests.builders_packing import picked_order
from tests.e2e import seed_glove
from tests.e2e.seeding import seeded_app


def seed():
    seed_glove.bench()
    packers = {"en": make_user("packer", "packer-words-en", locale="en").username,
               "zh_CN": make_user("packer", "packer-words-zh", locale="zh_CN").username}
    picked_order(external_id="GW-1", channel=make_channel(code="glove-words"), carrier_code=seed_glove.CARRIER)
    return {"packers": packers, "order": "GW-1"}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
