"""Spreadsheet imports, before the run: upload the file(s), map their columns (the mapping is
saved per channel), queue the job; look jobs and their reports up; our CSV template.

The run itself (an rq job) is wms.imports.file_run.
"""
import csv
import io
import re
import uuid
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from werkzeug.utils import secure_filename

from wms import aftercommit, job_names
from wms.auth import roles
from wms.auth.access import require_channel
from wms.errors import NotFound, ValidationFailed
from wms.extensions import db
from wms.imports import mapping as mapping_rules
from wms.imports import file_run, models, presets, statuses
from wms.imports.models import ImportJob, ImportMapping
from wms.inputs import actor_name
from wms.orders.models import Channel
from wms.rows import MAX_ID, get_or_not_found
from wms.spreadsheets import readers
from wms.worker import enqueue
from wms.wording import wording

ORDERS_MAPPING, LINES_MAPPING = "default", "lines"
LINES_PREFIX = "lines."   # a refused mapping names the lines file's fields "lines.<field>"
MAPPING_REFUSED = "The column mapping needs correcting: see the marked fields"


def upload_screen():
    """What the upload page shows: the active channels to import into and the recent imports."""
    channels = db.session.scalars(select(Channel).where(Channel.active.is_(True)).order_by(Channel.name)).all()
    return {"channels": channels, "jobs": recent_jobs()}


def stage_upload(channel_id, upload, lines_upload=None, *, actor=None):
    """Save the uploaded file(s) and open a draft job whose columns are mapped next."""
    channel = db.session.get(Channel, channel_id) if isinstance(channel_id, int) and 0 < channel_id <= MAX_ID else None
    if channel is None or not channel.active:
        raise ValidationFailed("Choose a channel", field="channel_id")
    require_channel(actor, channel.code, roles.ORDERS_IMPORT)
    if upload is None or not upload.filename:
        raise ValidationFailed("Choose a file to import", field="file")
    job = ImportJob(channel_id=channel.id, user_id=getattr(actor, "id", None), actor_name=actor_name(actor),
                    status=models.DRAFT, filename=upload.filename, path=str(_save(upload)))
    try:
        if lines_upload is not None and lines_upload.filename:
            job.lines_filename, job.lines_path = lines_upload.filename, str(_save(lines_upload, field="lines_file"))
        headers = readers.read_headers(job.path, job.filename)  # fail now on an unreadable file
        if job.lines_path:
            _read_lines_headers(job)
    except ValidationFailed:
        for saved in (job.path, job.lines_path):   # a refused upload leaves nothing behind
            if saved:
                Path(saved).unlink(missing_ok=True)
        raise
    preset = presets.recognise(headers)
    job.preset = preset.code if preset else ""
    db.session.add(job)
    db.session.commit()
    return job


def _read_lines_headers(job):
    """The lines file's headers; a refusal names the lines file's input, not the orders file's."""
    try:
        return readers.read_headers(job.lines_path, job.lines_filename)
    except ValidationFailed as error:
        error.details["field"] = "lines_file"
        raise


def _save(upload, field="file"):
    directory = Path(current_app.config["UPLOAD_DIR"]) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    name = secure_filename(upload.filename) or "upload"
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in readers.CSV_EXTENSIONS | readers.XLSX_EXTENSIONS:
        raise _refusal("Unsupported file type '{suffix}': upload CSV or XLSX", field, suffix=suffix)
    path = directory / f"{uuid.uuid4().hex}-{name}"
    if not path.suffix:
        path = path.with_suffix(suffix)
    upload.save(path)
    return path


def mapping_screen(job_id, posted=None):
    """What the mapping page shows: headers, a preview row, the mapping to offer (the channel's saved
    one or our guess; `posted`, {"columns", "lines_columns"} as a refused post chose them, kept) and
    the fields each file must map."""
    job = get_job(job_id)
    headers, preview = _headers_and_preview(job.path, job.filename)
    preset = presets.BY_CODE.get(job.preset or "")
    chosen = posted["columns"] if posted else _suggest(job.channel_id, ORDERS_MAPPING, headers)
    screen = {"job": job, "headers": headers, "preview": preview, "preset": preset,
              "shopify": preset is presets.SHOPIFY, "mapping": chosen,
              "required": mapping_rules.required_fields(lines_separate=bool(job.lines_path)),
              "lines_required": mapping_rules.required_fields()}
    screen["status_words"] = (list((chosen.get(mapping_rules.STATUS_VALUES) or {}).items()) if posted
                              else status_words(job.path, job.filename, chosen))
    if job.lines_path:
        lines_headers, lines_preview = _headers_and_preview(job.lines_path, job.lines_filename)
        screen.update(lines_headers=lines_headers, lines_preview=lines_preview,
                      lines_mapping=(posted.get("lines_columns") or {}) if posted
                      else _suggest(job.channel_id, LINES_MAPPING, lines_headers))
    return screen


STATUS_SAMPLE_ROWS = 500
_STATUS_HEADER = re.compile(r"状态|status", re.I)   # columns whose values the mapping page offers to map


def status_words(path, filename, mapping):
    """[(word, verdict)] for the mapping page: the channel's own words, then the values the file's
    status columns hold in its first rows, each with what it means today (built-in words, the
    channel's, or hold for a word nobody knows)."""
    saved = mapping.get(mapping_rules.STATUS_VALUES) or {}
    columns = [h for f in statuses.STATUS_FIELDS if f != "cancelled_at" and mapping.get(f)
               for h in ([mapping[f]] if isinstance(mapping[f], str) else mapping[f])]
    headers, sample = readers.peek(path, filename, rows=STATUS_SAMPLE_ROWS)
    columns += [h for h in headers if _STATUS_HEADER.search(h) and h not in columns]
    found = dict(saved)
    if columns:
        for row in sample:
            for header in columns:
                word = (row.get(header) or "").strip()
                if word and word not in found:
                    found[word] = statuses.BUILT_IN.get(statuses.fold(word), statuses.HOLD)
    return sorted(found.items())


def _headers_and_preview(path, filename):
    return readers.peek(path, filename, rows=3)


def _suggest(channel_id, name, headers):
    """The channel's saved mapping if this file has all its columns, else our best guess."""
    saved = saved_mapping(channel_id, name)
    if saved and all(h in headers for f, src in saved.items() if f != mapping_rules.STATUS_VALUES
                     for h in ([src] if isinstance(src, str) else src)):
        return saved
    guessed = mapping_rules.guess_mapping(headers)
    if saved and saved.get(mapping_rules.STATUS_VALUES):
        guessed[mapping_rules.STATUS_VALUES] = saved[mapping_rules.STATUS_VALUES]
    return guessed


def saved_mapping(channel_id, name=ORDERS_MAPPING):
    """The column mapping saved for a channel (or None)."""
    row = db.session.scalar(select(ImportMapping).where(
        ImportMapping.channel_id == channel_id, ImportMapping.name == name))
    return dict(row.columns) if row else None


def save_mapping(channel_id, columns, name=ORDERS_MAPPING):
    """Remember a channel's column mapping (one per channel and name); caller commits."""
    row = db.session.scalar(select(ImportMapping).where(
        ImportMapping.channel_id == channel_id, ImportMapping.name == name))
    if row is None:
        row = ImportMapping(channel_id=channel_id, name=name)
        db.session.add(row)
    row.columns = dict(columns)
    return row


def start_file_import(job_id, columns, lines_columns=None, *, remember=True):
    """Check the mapping against the file, save it for the channel, and queue the import job."""
    job = get_job(job_id)
    if job.status != models.DRAFT:
        raise ValidationFailed("This import has already been started", field="job")
    columns = _clean_columns(columns)
    problems = {field: {"message": template, "values": values} for field, template, values in
                mapping_rules.mapping_problems(columns, readers.read_headers(job.path, job.filename),
                                               lines_separate=bool(job.lines_path))}
    if job.lines_path:
        lines_columns = _clean_columns(lines_columns or {})
        lines_headers = readers.read_headers(job.lines_path, job.lines_filename)
        problems.update({LINES_PREFIX + field: {"message": template, "values": values} for field, template, values
                         in mapping_rules.mapping_problems(lines_columns, lines_headers)})
    if problems:
        raise ValidationFailed(MAPPING_REFUSED, field=next(iter(problems)), fields=problems)
    job.mapping, job.lines_mapping = columns, lines_columns if job.lines_path else None
    if remember:
        save_mapping(job.channel_id, columns, ORDERS_MAPPING)
        if job.lines_path:
            save_mapping(job.channel_id, lines_columns, LINES_MAPPING)
    job.status = models.PENDING
    enqueue(job_names.IMPORT_ORDER_FILE, job.id, queue="imports")
    aftercommit.commit()
    return job


def _clean_columns(columns):
    """Known fields with a column (or a list of fallback columns), and the mapping's own status words."""
    clean = {}
    for f, src in (columns or {}).items():
        if f == mapping_rules.STATUS_VALUES:
            words = statuses.clean_words(src)
            if words:
                clean[f] = {w: v for w, v in src.items() if statuses.fold(w) in words and v in statuses.VERDICTS}
        elif f in mapping_rules.MAPPABLE and src:
            if isinstance(src, (list, tuple)):
                src = [h for h in src if isinstance(h, str) and h]
                if not src:
                    continue
                src = src if len(src) > 1 else src[0]
            if isinstance(src, (str, list)):
                clean[f] = src
    return clean


def create_file_job(channel_id, path, *, filename=None, columns=None, lines_path=None,
                    lines_columns=None, actor=None):
    """A job for a file already on disk (the command line, bench, tests), mapped as the upload page
    would map it: the given columns, else the channel's saved mapping when the file has its
    columns, else the recognised preset or our best guess."""
    filename = filename or Path(path).name
    try:
        headers = readers.read_headers(path, filename)
    except ValidationFailed:
        headers = []   # the run fails the job with the reading's message
    preset = presets.recognise(headers)
    if columns is None:
        columns = _suggest(channel_id, ORDERS_MAPPING, headers)
    job = ImportJob(channel_id=channel_id, user_id=getattr(actor, "id", None), actor_name=actor_name(actor),
                    status=models.PENDING, filename=filename, path=str(path), mapping=_clean_columns(columns),
                    preset=preset.code if preset else "",
                    lines_path=str(lines_path) if lines_path else None,
                    lines_filename=Path(lines_path).name if lines_path else None)
    if lines_path:
        try:
            lines_headers = readers.read_headers(lines_path)
        except ValidationFailed:
            lines_headers = []
        job.lines_mapping = _clean_columns(lines_columns or _suggest(channel_id, LINES_MAPPING, lines_headers))
    db.session.add(job)
    db.session.commit()
    return job


def check_job_mapping(job):
    """ValidationFailed when a job's mapping cannot import its file (as start_file_import checks)."""
    found = list(mapping_rules.mapping_problems(job.mapping or {}, readers.read_headers(job.path, job.filename),
                                                lines_separate=bool(job.lines_path)))
    if job.lines_path:
        found += mapping_rules.mapping_problems(job.lines_mapping or {},
                                                readers.read_headers(job.lines_path, job.lines_filename))
    if found:
        problems = [[field, template.format(**values)] for field, template, values in found]
        field, template, values = found[0]
        raise ValidationFailed.worded("{field}: {reason}", field=wording(field), reason=wording(template, **values),
                                      details={"field": field, "problems": problems})


def _refusal(template, field, **values):
    """A ValidationFailed whose English message pages translate (template and values kept)."""
    return ValidationFailed.worded(template, **values, details={"field": field})


def get_job(job_id):
    return get_or_not_found(ImportJob, job_id, "No such import")


def recent_jobs(limit=20):
    return db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)).all()


def report_path(job_id):
    """The report CSV of a finished job with rejected rows."""
    job = get_job(job_id)
    if not job.report_path or not Path(job.report_path).exists():
        raise NotFound("This import has no report of rejected rows")
    return Path(job.report_path)


def template_csv(language="en"):
    """Our import template: header row and one example order of two lines (UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(mapping_rules.template_headers(language))
    example = {"external_id": "A1001", "ordered_at": "2026-11-22 10:30", "buyer_name": "张三",
               "buyer_phone": "13800138000", "country": "CN", "province": "浙江省", "city": "杭州市",
               "district": "西湖区", "address": "文三路 90 号 1 幢 101 室", "postcode": "310012",
               "total": "99.00", "currency": "CNY", "payment_status": "paid", "tags": "VIP",
               "priority": "0", "sku_code": "SKU-1", "name": "T 恤", "qty": "2", "unit_price": "33.00"}
    writer.writerow([example.get(f, "") for f in mapping_rules.FIELDS])
    writer.writerow([{"external_id": "A1001", "sku_code": "SKU-2", "name": "袜子", "qty": "1",
                      "unit_price": "33.00"}.get(f, "") for f in mapping_rules.FIELDS])
    return out.getvalue().encode("utf-8-sig")


def channel_by_code(code):
    """The channel with this code (NotFound otherwise)."""
    channel = db.session.scalar(select(Channel).where(Channel.code == (code or "").strip()))
    if channel is None:
        raise NotFound.worded("No channel with code '{code}'", code=code, details={"field": "channel"})
    return channel


def import_file_now(channel_code, path, *, lines_path=None, actor=None):
    """The command line's import: the upload page's path (recognition, the channel's saved mapping,
    the same checks, the same run and automatic review), run now in this process; the finished job.

    A file that cannot be read or mapped fails the job with the reason (nothing imported)."""
    channel = channel_by_code(channel_code)
    for given in (path, lines_path):
        if given and not Path(given).is_file():
            raise ValidationFailed.worded("No such file: {path}", path=str(given), details={"field": "file"})
    job = create_file_job(channel.id, path, lines_path=lines_path, actor=actor)
    try:
        check_job_mapping(job)
    except ValidationFailed as error:
        job.status, job.message = models.FAILED, error.message
        db.session.commit()
        return job
    return file_run.run_file_import(job.id)


def summary(job):
    """One line's worth of a finished job: its id, outcome counts and report path."""
    return {"job": job.id, "status": job.status, "preset": job.preset or None, "orders": job.blocks,
            "created": job.created, "updated": job.updated, "unchanged": job.unchanged, "held": job.held,
            "rejected": job.failed, "duplicate": job.duplicate, "orphans": job.orphans,
            "report": job.report_path, "message": job.message or None}
