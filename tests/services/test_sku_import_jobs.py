"""The SKU import as a background job: stored upload -> queued job -> chunks -> report; files it
cannot read fail the job with a sentence; chunks are all-or-nothing; runs are claimed, resumed and
never import twice."""
import codecs
import io
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import FileStorage

from tests.builders import make_sku, make_user
from tests.builders_catalog import numbered_rows, sku_csv
from wms.catalog import file_check, import_chunks, jobs, refusals, sku_imports
from wms.catalog.models import Sku, SkuBarcode, SkuImportJob
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.worker import QueuedJob, run_job


def upload(content, name="skus.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return FileStorage(stream=io.BytesIO(data), filename=name)


def write(tmp_path, content, name="skus.csv"):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def sku_count():
    return db.session.scalar(select(func.count(Sku.id)))


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(sku_imports, "CHUNK", 3)


# --- upload -> job -> report --------------------------------------------------------------------

def test_an_upload_is_stored_queued_run_after_commit_and_reported(app):
    clerk = make_user("admin", username="cat-clerk")
    make_sku("TAKEN", barcodes=("7777",))
    job = sku_imports.start_import(upload(sku_csv(["A-1,Apple,111", "A-2,Pear,7777", ",No code,113"])), actor=clerk)
    db.session.expire_all()
    job = db.session.get(SkuImportJob, job.id)
    assert (job.status, job.rows_done, job.created, job.updated, job.refused) == ("done", 3, 1, 0, 2)
    assert (job.actor_name, job.user_id, job.last_row) == ("cat-clerk", clerk.id, 4)
    assert job.path.startswith(str(app.config["UPLOAD_DIR"])) and open(job.path, "rb").read().startswith(b"code,")
    queued = db.session.scalars(select(QueuedJob).where(QueuedJob.func == "wms.catalog.jobs.run_sku_import")).one()
    assert (queued.args, queued.queue, queued.status) == ([job.id], "imports", "done")
    assert [(e["row"], e["code"], e["field"]) for e in job.errors] == [(3, "A-2", "barcodes"), (4, "", "code")]
    assert job.errors[0]["reason"] == refusals.BARCODE_TAKEN.format(barcode="7777", other_sku="TAKEN")
    report = sku_imports.report_path(job.id).read_text(encoding="utf-8-sig").splitlines()
    assert report[0] == "row,code,field,reason" and report[1].startswith("3,A-2,barcodes,") and len(report) == 3


def test_an_upload_that_is_not_csv_or_xlsx_is_refused_and_nothing_is_stored(app):
    with pytest.raises(ValidationFailed, match="Unsupported file type '.pdf'"):
        sku_imports.start_import(upload(b"%PDF-1.4", name="catalogue.pdf"))
    with pytest.raises(ValidationFailed, match="Choose a CSV or XLSX file"):
        sku_imports.start_import(None)
    assert db.session.scalar(select(func.count(SkuImportJob.id))) == 0
    assert db.session.scalar(select(func.count(QueuedJob.id))) == 0
    assert not (app.config["UPLOAD_DIR"] / "sku-imports").exists()


# --- files it cannot read -----------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + bytes(range(256)) * 4
BINARY = "This file is not text: it holds binary data"   # the shared reader's sentence (wms.spreadsheets.readers)


@pytest.mark.parametrize("content, name, message", [
    (PNG, "skus.csv", BINARY),
    ("code,name\nU-1,杯子\n".encode("utf-16-le"), "skus.txt", file_check.UTF16),
    (b"", "skus.csv", file_check.EMPTY),
    (b"code,name\n", "skus.csv", refusals.NO_ROWS),
    (b"foo,bar\n1,2\n", "skus.csv", refusals.MISSING_COLUMNS.format(columns="code, name")),
    (b"PK\x03\x04" + bytes(200), "skus.csv", file_check.XLSX_AS_CSV),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "skus.xlsx", file_check.OLD_XLS),
    (b"code,name\nA-1,Apple\n", "skus.xlsx", file_check.NOT_XLSX),
])
def test_a_file_that_cannot_be_read_fails_its_job_with_a_sentence_and_imports_nothing(app, content, name, message):
    job = sku_imports.start_import(upload(content, name=name))
    db.session.expire_all()
    job = db.session.get(SkuImportJob, job.id)
    assert (job.status, job.message[:len(message)], job.rows_done) == ("failed", message, 0)
    assert job.finished_at is not None and sku_count() == 0
    queued = db.session.scalars(select(QueuedJob)).one()
    assert queued.status == "done"   # the job ended, it did not crash into the outbox's retries


def test_a_utf16_file_with_its_byte_order_mark_is_read_by_the_shared_reader_and_imported(app):
    content = codecs.BOM_UTF16_LE + "code,name,barcodes\nU-1,杯子,801\n".encode("utf-16-le")
    job = sku_imports.start_import(upload(content))
    db.session.expire_all()
    assert db.session.get(SkuImportJob, job.id).status == "done"
    assert db.session.scalars(select(Sku.name)).all() == ["杯子"]


def test_a_file_that_turns_undecodable_midway_keeps_the_chunks_before_and_says_where_it_stopped(
        app, tmp_path, small_chunks):
    good = sku_csv(numbered_rows(7)).encode("utf-8")
    padding = ("P-0,填充" + "字" * 100 + ",\n").encode("utf-8") * 3000   # past the reader's encoding sniff
    job = sku_imports.import_now(write(tmp_path, good + padding + b"B-1,\xff\xfe broken,\n"))
    assert job.status == "failed" and job.message.startswith("Row ") and "neither UTF-8 nor GBK" in job.message
    assert job.last_row > 8 and job.rows_done == job.last_row - 1
    assert db.session.scalar(select(func.count(Sku.id)).where(Sku.code.like("S-%"))) == 7
    assert db.session.scalar(select(Sku).where(Sku.code == "B-1")) is None


# --- chunks ---------------------------------------------------------------------------------------

def test_a_bad_row_is_refused_and_reported_while_the_rest_of_its_chunk_is_imported(app, tmp_path, small_chunks):
    rows = [(*row, "abc" if row[0] == "S-5" else "10") for row in numbered_rows(7)]   # row 6 (chunk 2): bad weight
    content = sku_csv(rows, header="code,name,barcodes,weight_g")
    job = sku_imports.import_now(write(tmp_path, content))
    assert (job.status, job.created, job.refused, job.rows_done) == ("done", 6, 1, 7)
    assert [(e["row"], e["code"], e["field"]) for e in job.errors] == [(6, "S-5", "weight_g")]
    assert {"S-4", "S-6"} <= set(db.session.scalars(select(Sku.code))) and sku_count() == 6


def test_within_one_chunk_a_code_repeated_updates_what_its_first_row_made_and_freed_barcodes_move(app, tmp_path):
    make_sku("OLD-1", barcodes=("500",), weight_g=100)
    content = sku_csv([
        "OLD-1,Old,501,",          # 2: updated, gives up 500
        "NEW-1,One,500,",          # 3: created with the barcode OLD-1 freed just above
        "NEW-2,Two,600,20",        # 4: created
        "NEW-2,Two renamed,,",     # 5: updated: blank barcodes and weight keep row 4's
        "NEW-3,Three,700|701,",    # 6: created
        "NEW-3,Three,702,",        # 7: updated, gives up 700 and 701 before they were ever written
        "NEW-4,Four,700,",         # 8: created with 700
        "NEW-5,Five,501,",         # 9: refused: OLD-1 took 501 in row 2
    ], header="code,name,barcodes,weight_g")
    job = sku_imports.import_now(write(tmp_path, content))
    assert (job.status, job.created, job.updated, job.unchanged, job.refused) == ("done", 4, 3, 0, 1)
    assert job.errors[0]["row"] == 9 and "OLD-1" in job.errors[0]["reason"]
    owners = dict(db.session.execute(select(SkuBarcode.barcode, Sku.code).join(Sku)).all())
    assert owners == {"501": "OLD-1", "500": "NEW-1", "600": "NEW-2", "702": "NEW-3", "700": "NEW-4"}
    two = db.session.scalars(select(Sku).where(Sku.code == "NEW-2")).one()
    assert (two.name, two.weight_g) == ("Two renamed", 20) and two.created_at is not None
    assert db.session.scalars(select(Sku).where(Sku.code == "OLD-1")).one().weight_g == 100


def test_a_chunk_the_database_refuses_is_rolled_back_reported_row_by_row_and_the_job_stops_failed(
        app, tmp_path, small_chunks, monkeypatch):
    real = import_chunks.write_chunk
    calls = []

    def second_chunk_fails(rows, positions):
        calls.append(rows[0][0])
        result = real(rows, positions)
        if len(calls) == 2:
            raise OperationalError("INSERT INTO skus ...", {}, Exception("database is locked"))
        return result

    monkeypatch.setattr(import_chunks, "write_chunk", second_chunk_fails)
    path = write(tmp_path, sku_csv(numbered_rows(8)))
    job = sku_imports.import_now(path)
    assert job.status == "failed" and job.message == refusals.CHUNK_FAILED.format(
        first=5, last=7, error="database is locked")
    assert (job.rows_done, job.last_row, job.created, job.refused) == (3, 4, 3, 3)
    assert sorted(db.session.scalars(select(Sku.code))) == ["S-1", "S-2", "S-3"]   # chunk 2 rolled back, 3 never ran
    report = sku_imports.report_path(job.id).read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[:2] for line in report[1:]] == [["5", "S-4"], ["6", "S-5"], ["7", "S-6"]]
    assert "rolled back together (database is locked)" in report[1]
    monkeypatch.setattr(import_chunks, "write_chunk", real)
    again = sku_imports.import_now(path)   # importing the file again finishes it, the first rows unchanged
    assert (again.status, again.created, again.unchanged) == ("done", 5, 3) and sku_count() == 8


# --- claims, re-runs, resumes ---------------------------------------------------------------------

def test_running_the_job_twice_imports_once(app):
    job = sku_imports.start_import(upload(sku_csv(["A-1,Apple,111|112", "A-2,Pear,113"])))
    queued = db.session.scalars(select(QueuedJob)).one()
    before = db.session.get(SkuImportJob, job.id).to_dict()
    stamps = dict(db.session.execute(select(Sku.code, Sku.updated_at)).all())
    jobs.run_sku_import(job.id)                                  # the job itself, again
    assert run_job(queued.id) == "skipped"                       # the outbox will not run a done row again
    db.session.expire_all()
    assert db.session.get(SkuImportJob, job.id).to_dict() == before
    assert dict(db.session.execute(select(Sku.code, Sku.updated_at)).all()) == stamps
    assert (sku_count(), db.session.scalar(select(func.count(SkuBarcode.id)))) == (2, 3)


def test_a_run_that_died_midway_is_resumed_from_its_last_committed_chunk(app, tmp_path, small_chunks, monkeypatch):
    real = import_chunks.write_chunk
    seen = []

    def worker_dies_in_chunk_three(rows, positions):
        seen.append([number for number, _cells in rows])
        if len(seen) == 3:
            raise SystemExit("worker killed")
        return real(rows, positions)

    monkeypatch.setattr(import_chunks, "write_chunk", worker_dies_in_chunk_three)
    content = sku_csv(numbered_rows(8) + [",No code,"], header="code,name,barcodes")
    with pytest.raises(SystemExit):
        sku_imports.import_now(write(tmp_path, content))
    db.session.rollback()
    job = db.session.scalars(select(SkuImportJob)).one()
    assert (job.status, job.runs, job.last_row, job.rows_done, job.created) == ("running", 1, 7, 6, 6)
    seen.clear()
    monkeypatch.setattr(import_chunks, "write_chunk", lambda rows, positions: (seen.append(
        [number for number, _cells in rows]), real(rows, positions))[1])
    job = sku_imports.run_import(job.id)
    assert seen == [[8, 9, 10]]                                   # only the rows after the committed chunks
    assert (job.status, job.runs, job.rows_done, job.created, job.refused) == ("done", 2, 9, 8, 1)
    report = sku_imports.report_path(job.id).read_text(encoding="utf-8-sig").splitlines()
    assert report == ["row,code,field,reason", "10,,code,Length must be between 1 and 64."]
    assert sku_count() == 8


def test_a_run_whose_claim_was_taken_by_another_worker_stops_without_writing_its_chunk(
        app, tmp_path, small_chunks, monkeypatch):
    real = import_chunks.write_chunk

    def another_worker_claims_meanwhile(rows, positions):
        result = real(rows, positions)
        db.session.execute(update(SkuImportJob).values(runs=SkuImportJob.runs + 1))   # as its claim does
        return result

    monkeypatch.setattr(import_chunks, "write_chunk", another_worker_claims_meanwhile)
    job = sku_imports.import_now(write(tmp_path, sku_csv(numbered_rows(4))))
    assert (job.status, job.rows_done, job.created) == ("running", 0, 0) and sku_count() == 0


def test_only_a_pending_or_running_job_is_claimed_and_each_claim_moves_its_token(app, tmp_path):
    job = sku_imports.import_now(write(tmp_path, sku_csv(numbered_rows(2))))
    assert (job.status, job.runs) == ("done", 1)
    for status in ("done", "failed"):
        db.session.execute(update(SkuImportJob).values(status=status))
        db.session.commit()
        assert sku_imports.run_import(job.id).runs == 1
    assert sku_imports.run_import(999999) is None


# --- the command line -----------------------------------------------------------------------------

def cli(app, *args):
    result = app.test_cli_runner().invoke(args=["wms", *args])
    return result.exit_code, json.loads(result.output.strip().splitlines()[-1])


def test_the_command_line_imports_now_and_prints_one_json_line(app, tmp_path):
    path = write(tmp_path, sku_csv(["A-1,Apple,111", ",No code,112"]))
    code, result = cli(app, "import-skus", str(path))
    assert code == 0 and (result["created"], result["updated"], result["rejected"]) == (1, 0, 1)
    assert result["errors"] == [{"row": 3, "code": "", "field": "code", "reason": "Length must be between 1 and 64."}]
    assert cli(app, "import-skus", str(path))[1]["unchanged"] == 1
    assert db.session.scalars(select(SkuImportJob.status)).all() == ["done", "done"]


def test_the_command_line_says_why_a_file_cannot_be_read_and_exits_1(app, tmp_path):
    code, result = cli(app, "import-skus", str(write(tmp_path, PNG)))
    assert code == 1 and result["error"].startswith(BINARY) and result["field"] == "file"
    code, result = cli(app, "import-skus", str(tmp_path / "missing.csv"))
    assert code == 1 and result["error"].startswith("No such file")
    assert sku_count() == 0


def test_an_xlsx_upload_is_imported_by_the_job_too(app):
    book = Workbook()
    book.active.append(["商品编码", "商品名称", "条码", "重量(g)"])
    book.active.append(["X-1", "Excel item", 6901234567892, 250.0])
    out = io.BytesIO()
    book.save(out)
    job = sku_imports.start_import(upload(out.getvalue(), name="skus.xlsx"))
    db.session.expire_all()
    assert db.session.get(SkuImportJob, job.id).created == 1
    assert db.session.scalars(select(Sku)).one().barcodes[0].barcode == "6901234567892"
