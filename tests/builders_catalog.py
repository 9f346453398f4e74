"""Builders for the catalogue's import tests: files of SKU rows, and import job rows."""
from wms.catalog.models import SkuImportJob
from wms.extensions import db


def make_sku_import(filename="skus.csv", status="pending", **fields):
    """An import job row as the upload page leaves it (no file behind it unless `path` is given)."""
    job = SkuImportJob(filename=filename, status=status, **fields)
    db.session.add(job)
    db.session.commit()
    return job


def sku_csv(rows, header="code,name,barcodes"):
    """CSV text: the header, then one line per row (a tuple of cells or a ready line)."""
    lines = [header] + [row if isinstance(row, str) else ",".join(map(str, row)) for row in rows]
    return "\n".join(lines) + "\n"


def numbered_rows(count, start=1, prefix="S"):
    """`count` good rows with distinct codes and barcodes."""
    return [(f"{prefix}-{n}", f"Item {n}", f"69{n:011d}") for n in range(start, start + count)]
