"""rq entry points of the catalogue: they take ids and call one service."""
from wms.catalog import sku_imports
from wms.worker import job


@job
def run_sku_import(job_id):
    """Import an uploaded SKU file (queued by wms.catalog.sku_imports.start_import)."""
    sku_imports.run_import(job_id)
