"""Seed for the import page test: a supervisor, a Taobao channel, the catalogue, and a realistic
Taobao/Tmall 订单报表 + 宝贝报表 pair written to files. Prints JSON."""
import json
import tempfile
from pathlib import Path

from sqlalchemy import select

from tests.builders import make_channel, make_sku, make_user
from tests.builders_exports import build, expected_counts, realistic_specs
from tests.e2e.seeding import seeded_app
from wms.catalog.models import Sku
from wms.extensions import db


def seed():
    # The e2e server is shared by every browser test: earlier seeds may have made these SKUs already.
    known = set(db.session.scalars(select(Sku.code)))
    for n, code in enumerate(("SKU-1", "SKU-2", "SKU-3")):
        if code not in known:
            make_sku(code, barcodes=(f"690000000003{n}",))
    channel = make_channel("e2e-tmall")
    user = make_user("supervisor", "imp-e2e")
    export = build("taobao", realistic_specs("9"))
    folder = Path(tempfile.mkdtemp(prefix="e2e-import-"))
    (folder / export.filename).write_bytes(export.orders)
    (folder / export.lines_filename).write_bytes(export.lines)
    return {"user": user.username, "channel": channel.id, "orders": str(folder / export.filename),
            "lines": str(folder / export.lines_filename), "expected": expected_counts(export),
            "blocks": len(export.expected)}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
