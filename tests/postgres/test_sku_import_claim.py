"""Two workers handed the same SKU import at the same moment on PostgreSQL (the outbox pushed it
twice): the conditional UPDATE lets one claim and import it; the other claims nothing and writes
nothing."""
from sqlalchemy import func, select

from tests.builders_catalog import make_sku_import, numbered_rows, sku_csv
from tests.postgres import needs_postgres
from tests.postgres.test_allocation_races import race
from wms.catalog import sku_imports
from wms.catalog.models import Sku, SkuBarcode, SkuImportJob
from wms.extensions import db

pytestmark = needs_postgres


def test_two_runs_of_one_import_at_once_claim_it_once_and_import_it_once(app, tmp_path):
    path = tmp_path / "skus.csv"
    path.write_text(sku_csv(numbered_rows(5)), encoding="utf-8")
    job = make_sku_import(path=str(path))
    claim = lambda sql: sql.startswith("UPDATE sku_import_jobs SET status")  # noqa: E731
    results = race(app, {"first": claim, "second": claim},
                   first=lambda: sku_imports.run_import(job.id).runs,
                   second=lambda: sku_imports.run_import(job.id).runs)
    assert sorted(results.values()) == [1, 1]   # both see the one claim; neither raised
    row = db.session.get(SkuImportJob, job.id)
    assert (row.status, row.runs, row.rows_done, row.created) == ("done", 1, 5, 5)
    assert db.session.scalar(select(func.count(Sku.id))) == 5
    assert db.session.scalar(select(func.count(SkuBarcode.id))) == 5
