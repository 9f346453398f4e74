"""What a SKU import run has committed: the job row's counters and the report CSV.

The counters move in the chunk's own transaction, by an UPDATE that holds only while the job row
still carries this run's claim (`runs`): a run another worker has taken over writes nothing more.
The report is appended before its chunk commits and cut back, when a run opens it, to the length
the committed chunks recorded (`report_bytes`), so a resumed run neither loses nor repeats a row.
"""
import csv
import io
from pathlib import Path

from sqlalchemy import update

from wms import aftercommit
from wms.catalog.models import IMPORT_RUNNING, REFUSALS_KEPT, SkuImportJob
from wms.extensions import db
from wms.timeutil import utcnow

REPORT_HEADERS = ("row", "code", "field", "reason")


class Superseded(Exception):
    """Another run claimed the job since this one did: this one stops without writing."""


class Progress:
    """The job row's counters, moved only while the row carries this run's claim."""

    def __init__(self, job_id, run, errors):
        self.job_id, self.run = job_id, run
        self.kept = list(errors or [])

    def job(self):
        return db.session.get(SkuImportJob, self.job_id)

    def add(self, chunk, result, report):
        """Count a written chunk (rows, outcomes, refusals, report length) in its transaction, and commit."""
        self._keep(result.refusals)
        self._move(rows_done=SkuImportJob.rows_done + len(chunk), last_row=chunk[-1][0],
                   created=SkuImportJob.created + result.created, updated=SkuImportJob.updated + result.updated,
                   unchanged=SkuImportJob.unchanged + result.unchanged,
                   refused=SkuImportJob.refused + result.refused, errors=self.kept, report_bytes=report.offset)
        db.session.commit()

    def finish(self, status, message="", refused=(), report=None):
        """End the run: done, or failed with the sentence the page shows (and the rows it did not import)."""
        db.session.rollback()
        self._keep(refused)
        values = {"status": status, "message": message, "finished_at": utcnow(), "errors": self.kept,
                  "refused": SkuImportJob.refused + len(refused)}
        if report is not None:
            values["report_bytes"] = report.offset
        try:
            self._move(**values)
        except Superseded:
            return
        aftercommit.commit()

    def _keep(self, rows):
        room = REFUSALS_KEPT - len(self.kept)
        if room > 0 and rows:
            self.kept = self.kept + [dict(zip(REPORT_HEADERS, row)) for row in list(rows)[:room]]

    def _move(self, **values):
        moved = db.session.execute(
            update(SkuImportJob).where(SkuImportJob.id == self.job_id, SkuImportJob.runs == self.run,
                                       SkuImportJob.status == IMPORT_RUNNING)
            .values(**values).execution_options(synchronize_session=False)).rowcount
        if moved != 1:
            db.session.rollback()
            raise Superseded()


class ReportFile:
    """The refused rows' CSV (UTF-8 with BOM, so that Excel shows Chinese), cut back on open to what
    the committed chunks wrote."""

    def __init__(self, path, committed):
        path = Path(path)
        self.file = open(path, "r+b" if path.exists() else "w+b")
        if committed:
            self.truncate(committed)
        else:
            self.truncate(0)
            self.file.write("\ufeff".encode() + _csv_bytes([REPORT_HEADERS]))
            self.file.flush()

    @property
    def offset(self):
        return self.file.tell()

    def write(self, rows):
        if rows:
            self.file.write(_csv_bytes(rows))
            self.file.flush()

    def truncate(self, offset):
        self.file.truncate(offset)
        self.file.seek(offset)

    def close(self):
        self.file.close()


def _csv_bytes(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")
