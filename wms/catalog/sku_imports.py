"""SKU catalogue imports as background jobs: the upload stores the file and queues a job; the job
reads it chunk by chunk; the progress page and the report read the job's row.

Each chunk of CHUNK rows is one transaction: its SKUs (wms.catalog.import_chunks), its refused
rows appended to the report CSV, and the job's counters, so the page never shows what did not
commit. A run claims the job with a conditional UPDATE (pending or running -> running, `runs` + 1)
and writes a chunk only while the row still carries its claim: a run that died is resumed by the
next one from the last committed chunk (`last_row`, the report cut back to `report_bytes`), and a
run of a finished job does nothing. A file that cannot be read fails the job with a sentence for
the page (wms.catalog.refusals). A chunk the database refuses (a lock, a lost connection) is rolled
back, its rows are reported as not imported, and the job stops failed: the chunks before it stay,
and importing the file again is safe (rows are matched by code).
"""
import csv
import uuid
from itertools import islice
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.utils import secure_filename

from wms import aftercommit, job_names
from wms.catalog import file_check, import_chunks, refusals
from wms.catalog.columns import column_positions, missing_columns
from wms.catalog.import_progress import Progress, ReportFile, Superseded
from wms.catalog.models import IMPORT_DONE, IMPORT_FAILED, IMPORT_PENDING, IMPORT_RUNNING, SkuImportJob
from wms.errors import NotFound, ValidationFailed
from wms.extensions import db
from wms.inputs import actor_name
from wms.rows import get_or_not_found
from wms.spreadsheets import readers
from wms.timeutil import utcnow
from wms.worker import enqueue

CHUNK = 1000
SNIFF_BYTES = 64 * 1024
DB_ERROR_CHARS = 200


# --- before the run ---------------------------------------------------------------------------

def start_import(upload, *, actor=None):
    """Store an uploaded file under UPLOAD_DIR and queue its import; the pending job."""
    if upload is None or not upload.filename:
        raise ValidationFailed("Choose a CSV or XLSX file", field="file")
    _check_type(upload.filename)
    path = _upload_dir() / f"{uuid.uuid4().hex}-{secure_filename(upload.filename) or 'upload'}"
    if not path.suffix:
        path = path.with_suffix(Path(upload.filename).suffix.lower())
    upload.save(path)
    job = _new_job(path, upload.filename, actor)
    enqueue(job_names.IMPORT_SKU_FILE, job.id, queue="imports")
    aftercommit.commit()
    return job


def import_now(path, filename=None, *, actor=None):
    """The command line's import: a job for a file on disk, run in this process; the finished job."""
    if not Path(path).is_file():
        raise ValidationFailed.worded("No such file: {path}", path=str(path), details={"field": "file"})
    filename = filename or Path(path).name
    _check_type(filename)
    job = _new_job(path, filename, actor)
    db.session.commit()
    return run_import(job.id)


def _new_job(path, filename, actor):
    job = SkuImportJob(filename=filename, path=str(path), status=IMPORT_PENDING, user_id=getattr(actor, "id", None),
                       actor_name=actor_name(actor))
    db.session.add(job)
    db.session.flush()
    return job


def _check_type(filename):
    """CSV (or text with no extension, as the reader takes it) or XLSX by its name; else refused."""
    suffix = Path(filename).suffix.lower()
    if suffix and suffix not in readers.CSV_EXTENSIONS | readers.XLSX_EXTENSIONS:
        raise ValidationFailed.worded("Unsupported file type '{suffix}': upload CSV or XLSX", suffix=suffix,
                                      details={"field": "file"})


def _upload_dir():
    directory = Path(current_app.config["UPLOAD_DIR"]) / "sku-imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


# --- looking jobs up --------------------------------------------------------------------------

def get_import(import_id):
    return get_or_not_found(SkuImportJob, import_id, "No such import")


def recent_imports(limit=10):
    return db.session.scalars(select(SkuImportJob).order_by(SkuImportJob.id.desc()).limit(limit)).all()


def report_path(import_id):
    """The CSV of an import's refused rows (row, code, field, reason)."""
    job = get_import(import_id)
    if not job.refused or not job.report_path or not Path(job.report_path).is_file():
        raise NotFound("This import has no report of refused rows")
    return Path(job.report_path)


# --- the run ----------------------------------------------------------------------------------

class _ChunkFailed(Exception):
    """The database refused a chunk: its rows (rolled back) and the database's words."""

    def __init__(self, rows, error):
        super().__init__(str(error))
        self.rows, self.error = rows, _short(error)


def run_import(job_id):
    """The job body: read the file and import it chunk by chunk. Idempotent: a finished job is left as it is.

    Transitions: pending -> running -> done | failed; running (a run that died) -> running (resumed)."""
    run = _claim(job_id)
    if run is None:
        return db.session.get(SkuImportJob, job_id)
    job = db.session.get(SkuImportJob, job_id)
    report = ReportFile(job.report_path, job.report_bytes)
    progress = Progress(job_id, run, job.errors)
    rows, reached, code_at = iter(()), job.last_row, 0
    try:
        positions, rows = _open(job)
        code_at = positions["code"]
        for chunk in _chunks(rows, after=job.last_row):
            _write_chunk(progress, chunk, positions, report)
            reached = chunk[-1][0]
        _end(progress)
    except Superseded:
        db.session.rollback()
    except _ChunkFailed as failed:
        _fail_chunk(progress, report, failed, code_at)
    except ValidationFailed as error:
        progress.finish(IMPORT_FAILED, error.message)
    except (csv.Error, UnicodeError) as error:   # the shared reader words these itself; never a crash if not
        progress.finish(IMPORT_FAILED, refusals.NOT_CSV.format(row=reached or 1, error=error))
    finally:
        getattr(rows, "close", lambda: None)()
        report.close()
    return db.session.get(SkuImportJob, job_id)


def _claim(job_id):
    """Take the job for this run (compare and set on status and runs); the run's token, or None."""
    job = db.session.get(SkuImportJob, job_id)
    if job is None or job.status not in (IMPORT_PENDING, IMPORT_RUNNING):
        return None
    run = job.runs + 1
    values = {"status": IMPORT_RUNNING, "message": "", "runs": run}
    if job.started_at is None:
        values.update(started_at=utcnow(), rows_total=_estimate(job),
                      report_path=str(_upload_dir() / f"sku-import-{job.id}-report.csv"))
    claimed = db.session.execute(
        update(SkuImportJob).where(SkuImportJob.id == job_id, SkuImportJob.status == job.status,
                                   SkuImportJob.runs == job.runs)
        .values(**values).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    db.session.expire_all()
    return run if claimed == 1 else None


def _estimate(job):
    try:
        return readers.estimate_rows(job.path, job.filename)
    except OSError:
        return 0


def _open(job):
    """({field: cell index}, iterator of (row number, cells)); ValidationFailed when it can't be read."""
    try:
        with open(job.path, "rb") as raw:
            head = raw.read(SNIFF_BYTES)
    except OSError:
        raise ValidationFailed(refusals.FILE_GONE, field="file") from None
    _check_type(job.filename)
    problem = file_check.problem(head, Path(job.filename).suffix.lower() in readers.XLSX_EXTENSIONS)
    if problem:
        raise ValidationFailed(problem, field="file")
    headers, rows = readers.read_table(job.path, job.filename)
    if not headers:
        raise ValidationFailed(refusals.NO_ROWS, field="file")
    missing = missing_columns(headers)
    if missing:
        getattr(rows, "close", lambda: None)()
        raise ValidationFailed.worded(refusals.MISSING_COLUMNS, columns=", ".join(missing), details={"field": "file"})
    return column_positions(headers), rows


def _chunks(rows, after):
    """Lists of CHUNK rows, skipping the rows a run before this one committed."""
    rows = ((number, cells) for number, cells in rows if number > after)
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


def _write_chunk(progress, chunk, positions, report):
    """One transaction: the chunk's SKUs, its report rows and the job's counters."""
    start = report.offset
    try:
        result = import_chunks.write_chunk(chunk, positions)
        report.write(result.refusals)
        progress.add(chunk, result, report)
    except SQLAlchemyError as error:
        db.session.rollback()
        report.truncate(start)
        raise _ChunkFailed(chunk, error) from error


def _end(progress):
    """Done; or failed when the file held no row at all (a header alone is a mistake, not an import)."""
    if progress.job().rows_done:
        progress.finish(IMPORT_DONE)
    else:
        progress.finish(IMPORT_FAILED, refusals.NO_ROWS)


def _fail_chunk(progress, report, failed, code_at):
    """Report every row of the refused chunk as not imported, and stop the job failed."""
    first, last = failed.rows[0][0], failed.rows[-1][0]
    reason = refusals.ROLLED_BACK.format(first=first, last=last, error=failed.error)
    rows = [(number, cells[code_at] if code_at < len(cells) else "", "", reason) for number, cells in failed.rows]
    report.write(rows)
    progress.finish(IMPORT_FAILED, refusals.CHUNK_FAILED.format(first=first, last=last, error=failed.error),
                    refused=rows, report=report)


def _short(error):
    """The database's own words (not the SQL statement), short enough for a page."""
    text = str(getattr(error, "orig", None) or error) or type(error).__name__
    return text.splitlines()[0][:DB_ERROR_CHARS]
