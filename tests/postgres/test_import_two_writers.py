"""A file import written on two connections at once (wms.imports.writers) on PostgreSQL: counts,
progress and the report as with one, re-imports idempotent, and two chunks racing for the same
order number make one order. Run with TEST_DATABASE_URL=postgresql://...<throwaway db>."""
import csv
import threading

import pytest
from sqlalchemy import func, select

from tests.builders import make_channel, make_sku
from tests.builders_imports import TEMPLATE_ZH, csv_text, no_review, record  # noqa: F401
from tests.postgres import needs_postgres
from wms.extensions import db
from wms.imports import file_run, file_upload, key_checks, models, results, services, validation, writers
from wms.orders.models import Order, OrderEvent, OrderLine

pytestmark = [needs_postgres,
              pytest.mark.usefixtures("no_review")]


@pytest.fixture
def channel(app):
    make_sku("SKU-1", barcodes=("6900000000002",))
    return make_channel()


def file_rows(count, bad_every=5):
    """`count` orders of two lines; every `bad_every`-th has a bad quantity on its second line."""
    rows = []
    for n in range(count):
        head = [f"B{n:04d}", "2026-11-20 10:30", "张三", "13800138000", "浙江省", "杭州市", "西湖区", "文三路 90 号",
                "66.00", ""]
        rows.append(head + ["SKU-1", "T恤", "1", "33.00"])
        rows.append([f"B{n:04d}"] + [""] * 9 + ["SKU-1", "T恤", "x" if n % bad_every == 0 else "1", "33.00"])
    return rows


def counts():
    return tuple(db.session.scalar(select(func.count(model.id))) for model in (Order, OrderLine, OrderEvent))


def test_two_writers_import_every_chunk_with_exact_progress_and_the_report_in_file_order(channel, tmp_path,
                                                                                          monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 3)
    threads = set()
    real_write = services.write_chunk

    def write_chunk(*args, **kwargs):
        threads.add(threading.current_thread().name)
        return real_write(*args, **kwargs)

    monkeypatch.setattr(services, "write_chunk", write_chunk)
    path = tmp_path / "orders.csv"
    path.write_text(csv_text(TEMPLATE_ZH, file_rows(40)), encoding="utf-8")
    job = file_run.run_file_import(file_upload.create_file_job(channel.id, path).id)
    assert threads == {"import-writer-0", "import-writer-1"}
    assert (job.status, job.created, job.failed, job.orders_done, job.rows_done) == (models.DONE, 32, 8, 40, 81)
    assert counts() == (32, 64, 32)
    assert [e["row"] for e in job.errors] == [3 + 10 * k for k in range(8)]
    with open(job.report_path, encoding="utf-8-sig") as report:
        rows = list(csv.DictReader(report))
    assert [int(row["row"]) for row in rows if row["reason"]] == [3 + 10 * k for k in range(8)]
    assert [int(row["row"]) for row in rows] == sorted(int(row["row"]) for row in rows) and len(rows) == 40

    again = file_run.run_file_import(file_upload.create_file_job(channel.id, path).id)
    assert (again.created, again.unchanged, again.failed) == (0, 32, 8)
    assert counts() == (32, 64, 32)


def test_two_chunks_racing_for_the_same_order_number_make_one_order(channel, app, monkeypatch):
    both_looked = threading.Barrier(2, timeout=20)
    real_existing = services._existing

    def existing_then_wait(channel_id, external_ids):
        found = real_existing(channel_id, external_ids)
        if not found:
            both_looked.wait()   # both saw no order B1: both go on to insert it
        return found

    monkeypatch.setattr(services, "_existing", existing_then_wait)
    items = [validation.validate_record(record("B1"))]
    outcomes = []

    def write(_index, chunk):
        outcomes.extend(o.outcome for o in services.write_chunk(
            channel.id, chunk, "test", None, key_checks_mode=key_checks.SET_WISE))

    db.session.commit()
    writers.write_all(iter([items, items]), write, 2)
    assert sorted(outcomes) == [results.CREATED, results.UNCHANGED]
    assert counts() == (1, 1, 1)
