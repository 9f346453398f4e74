"""Spreadsheet imports: the run of a queued job (the rq job body), chunk by chunk, and its report.

The run is a generator pipeline - rows -> mapped rows -> orders -> chunks of CHUNK orders, read
and validated in a child process (file_reading.py, file_reader_child.py) - so a 100k-order file is never
in memory; each chunk is one transaction (services.write_chunk) that also
moves the job's progress, so the progress bar never shows what did not commit. Rejected rows go
to a report CSV that lists every block of the file with its outcome (row, order, outcome, field,
column, reason), one row per reason, flag or hold, as they are found. Uploading, mapping and
queueing the job come before, in wms.imports.file_upload.
"""
import csv
import gc
import threading
from collections import Counter, namedtuple
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

from wms import aftercommit, realtime
from wms.auth.models import User
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.imports import (
    file_reader_child, file_reading, key_checks, models, order_rules, results, services, sku_resolver, writers)
from wms.imports.cells import is_scientific
from wms.imports.models import ImportJob
from wms.spreadsheets import readers
from wms.timeutil import utcnow
from wms.wording import wording

REPORT_HEADERS = ("row", "order", "outcome", "field", "column", "reason")
ORPHAN = "orphan"   # the report's outcome of a line row attached to no order
REPORT_OUTCOME = {"failed": "rejected"}   # the report's word for a counter
COUNTERS = ("rows_done", "orders_done", "created", "updated", "unchanged", "failed", "held", "duplicate",
            "orphans", "error_count")


def run_file_import(job_id):
    """Read, validate and import a job's file(s) chunk by chunk; idempotent (re-runs are no-ops)."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.status not in (models.PENDING, models.RUNNING):
        return job
    for counter in COUNTERS:
        setattr(job, counter, 0)
    job.errors, job.status, job.started_at, job.message = [], models.RUNNING, utcnow(), ""
    job.rows_total = readers.estimate_rows(job.path, job.filename)
    directory = Path(current_app.config["UPLOAD_DIR"]) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    job.report_path = str(directory / f"import-{job.id}-report.csv")
    db.session.commit()
    run = FileRun(job)
    try:
        with few_collections():
            run.execute()
    except (ValidationFailed, file_reader_child.ReaderFailed) as error:
        # committed chunks stay (whole orders); the chunk being written was rolled back
        db.session.rollback()
        job = db.session.get(ImportJob, job_id)
        job.status, job.message, job.finished_at = models.FAILED, error.message, utcnow()
        job.report_path = None
        _announce(job, "import.finished")
        aftercommit.commit()
    finally:
        run.close()
    return db.session.get(ImportJob, job_id)


@contextmanager
def few_collections(threshold=50_000):
    """Run a file with the cyclic garbage collector mostly out of the way.

    A file makes millions of short-lived acyclic objects (cells, records, rows: freed by reference
    counting); with the default thresholds the collector runs thousands of times and rescans the
    app's long-lived objects each time - a third of the import's CPU. Objects alive now are frozen
    (never rescanned) and the youngest generation is collected every `threshold` allocations
    instead of 700, until the run ends.
    """
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(threshold, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


ActorRef = namedtuple("ActorRef", "id username")   # who imports, as plain values any writer thread may read


class FileRun:
    """One pass over a job's file(s). Its chunks may be written by more than one thread at once
    (wms.imports.writers), each chunk in its own transaction: the job's counters are added under
    the job row's lock, and the report keeps the file's order."""

    def __init__(self, job):
        self.job = job
        self.job_id = job.id
        self.channel_id = job.channel_id
        user = db.session.get(User, job.user_id) if job.user_id else None
        self.actor = ActorRef(user.id, user.username) if user is not None else job.actor_name
        self.source = wording("file {name}", name=job.filename)   # goes into the orders' audit rows
        self.spec = file_reading.ReadSpec(
            path=job.path, filename=job.filename, mapping=job.mapping or {},
            timezone=current_app.config["WAREHOUSE_TIMEZONE"], chunk_size=services.CHUNK,
            lines_path=job.lines_path, lines_filename=job.lines_filename, lines_mapping=job.lines_mapping or {},
            spool_dir=str(Path(job.report_path).parent), encode=db.engine.dialect.driver == "psycopg2")
        self.columns = self.spec.columns
        self.skus = sku_resolver.SkuResolver()
        self.key_checks = key_checks.choose(db.session)
        self.reader = None
        self.report_file = open(job.report_path, "w", encoding="utf-8-sig", newline="")
        self.report = csv.writer(self.report_file)
        self.report.writerow(REPORT_HEADERS)
        self.report_in_order = InFileOrder(self._write_report_rows)

    def execute(self):
        """Read and validate in a child process (wms.imports.file_reader_child) while this process
        writes the chunks before (on PostgreSQL two at a time, wms.imports.writers): parsing and the
        database's work use both cores."""
        self.reader = file_reader_child.open_reader(self.spec)   # before any writer thread: it forks
        db.session.commit()   # this thread's reads are done; the writers have sessions of their own
        writers.write_all(with_rows_covered(self.reader), self._import_chunk,
                          writers.writer_count(db.engine.dialect.name))
        self._finish(self.reader.unclaimed)

    def _import_chunk(self, index, chunk_and_rows):
        chunk, rows_covered = chunk_and_rows
        orders = chunk.orders
        items = [(order.clean, order.errors, order.holds, order.flags) for order in orders]
        report_rows = []

        def progress(outcomes):
            report_rows.clear()
            # locked and read afresh: another writer's chunk may have moved the counters since
            job = db.session.get(ImportJob, self.job_id, with_for_update=True, populate_existing=True)
            counts = Counter()
            for order, outcome in zip(orders, outcomes):
                name = block_outcome(order, outcome)
                counts[name] += 1
                report_rows.extend(self._block_rows(order, outcome, name))
                if order.orphans:
                    counts["orphans"] += len(order.orphans)
                    report_rows.extend(_with_outcome(order.orphans, ORPHAN))
            for name, count in counts.items():
                setattr(job, name, getattr(job, name) + count)
            job.rows_done, job.orders_done = job.rows_done + rows_covered, job.orders_done + len(orders)
            self._record_errors(job, report_rows, by_row=True)
            _announce(job, "import.progress")

        services.write_chunk(self.channel_id, items, self.source, self.actor, skus=self.skus,
                             before_commit=progress, key_checks_mode=self.key_checks)
        self.report_in_order.add(index, report_rows)

    def _block_rows(self, order, outcome, name):
        """The report rows of one block: one per reason, flag and hold, or one bare row."""
        name = REPORT_OUTCOME.get(name, name)
        if not (order.report_rows or outcome.flags or outcome.errors or order.holds):
            return [(order.first_row, order.external_id, name, "", "", "")]   # most blocks
        rows = _with_outcome(order.report_rows, name)
        if not order.report_rows and outcome.outcome == results.FAILED:
            rows += [(order.first_row, order.external_id, name, e["field"], self.columns.get(e["field"], ""),
                      e["reason"]) for e in outcome.errors]
        if outcome.outcome == results.HELD:
            rows += [(order.first_row, order.external_id, name, "", "",
                      order_rules.HELD.format(reason=template.format(**values)))
                     for _code, template, values in order.holds]
        rows += [(order.first_row, order.external_id, name, field, self.columns.get(field, ""), reason)
                 for field, reason in outcome.flags]
        return rows or [(order.first_row, order.external_id, name, "", "", "")]

    def _write_report_rows(self, rows):
        if rows:
            self.report.writerows(rows)
            self.report_file.flush()

    def _record_errors(self, job, report_rows, by_row=False):
        """Count the report rows with a reason and keep the first ERRORS_KEPT for the page; by_row:
        the file's first ones, whichever chunk committed first (the orders file's rows, not the
        lines file's)."""
        said = [r for r in report_rows if r[-1]]
        if not said:
            return
        job.error_count += len(said)
        new = [dict(zip(REPORT_HEADERS, r)) for r in said[:models.ERRORS_KEPT]]
        if by_row:
            job.errors = sorted(job.errors + new, key=lambda e: e["row"])[:models.ERRORS_KEPT]
        elif len(job.errors) < models.ERRORS_KEPT:
            job.errors = job.errors + new[:models.ERRORS_KEPT - len(job.errors)]

    def _finish(self, unclaimed):
        job = db.session.get(ImportJob, self.job_id, populate_existing=True)
        if unclaimed:
            orphans = [(row, order_no, ORPHAN, "external_id", "",
                        order_rules.SCIENTIFIC_LINE if is_scientific(order_no) else order_rules.ORPHAN)
                       for row, order_no in unclaimed]
            job.orphans += len(orphans)
            self._record_errors(job, orphans)
            self.report.writerows(orphans)
        job.status, job.finished_at = models.DONE, utcnow()
        _announce(job, "import.finished")
        aftercommit.commit()

    def close(self):
        if self.reader is not None:
            self.reader.close()
        self.report_file.close()
        job = db.session.get(ImportJob, self.job_id)
        if job is not None and not job.report_path:
            Path(self.report_file.name).unlink(missing_ok=True)


def block_outcome(order, outcome):
    """How one block of the file ended: created, updated, unchanged, held, failed (rejected) or
    duplicate; the job's counter of the same name counts it."""
    if order.outcome == file_reading.DUPLICATE:
        return results.DUPLICATE
    return outcome.outcome


def _with_outcome(rows, outcome):
    return [(row, order, outcome, field, column, reason) for row, order, field, column, reason in rows]


def with_rows_covered(chunks):
    """(chunk, file rows it covers since the chunk before): the job's rows_done adds these up, so
    with chunks committing out of order it still counts only rows of committed chunks."""
    reached = 0
    for chunk in chunks:
        yield chunk, chunk.last_row - reached
        reached = chunk.last_row


class InFileOrder:
    """Report rows written in chunk order although two writers may commit chunks out of order:
    a chunk's rows wait until every chunk before it has handed in its own."""

    def __init__(self, write_rows):
        self._write_rows = write_rows
        self._next = 0
        self._waiting = {}
        self._lock = threading.Lock()

    def add(self, index, rows):
        with self._lock:
            self._waiting[index] = list(rows)
            while self._next in self._waiting:
                self._write_rows(self._waiting.pop(self._next))
                self._next += 1


def _announce(job, event):
    if job.user_id:
        realtime.publish(event, job.to_dict(), realtime.room_for_user(job.user_id))
