"""SkuResolver: a record line's sku_code to the catalogue's Sku id, once per code per import run.

Its own module because a run keeps one for all its chunks (wms.imports.services, file_run) and
both write paths, the new orders' and the changed ones', resolve through it.
"""
from sqlalchemy import select

from wms.catalog.models import Sku, SkuBarcode
from wms.extensions import db


class SkuResolver:
    """sku_code -> Sku id by code or any barcode; looked up once per code per import run."""

    def __init__(self):
        self.ids = {}

    def load(self, codes):
        missing = [c for c in codes if c not in self.ids]
        for start in range(0, len(missing), 1000):
            part = missing[start:start + 1000]
            found = dict(db.session.execute(select(SkuBarcode.barcode, SkuBarcode.sku_id).where(
                SkuBarcode.barcode.in_(part))).all())
            found.update(db.session.execute(select(Sku.code, Sku.id).where(Sku.code.in_(part))).all())
            for code in part:
                self.ids[code] = found.get(code)

    def resolve(self, code):
        return self.ids.get(code)
