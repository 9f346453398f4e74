"""The import page: pick a channel, upload, map columns, watch progress, download the report."""
from flask import Blueprint, Response, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import flash_errors
from wms.forms import field_errors
from wms.i18n import translate
from wms.imports import file_upload, order_rules, presets, statuses, validation
from wms.imports.mapping import EXTRA_LABELS, LINE_FIELDS, MAPPABLE, STATUS_VALUES, TEMPLATE_HEADERS

FALLBACKS = 3          # columns a field may take, the first filled one wins
WORD_ROWS = 4          # empty rows for the status words a person adds on the mapping page
VERDICT_LABELS = {statuses.IMPORT: "Import (paid, to ship)", statuses.HOLD: "Hold (payment pending)",
                  statuses.CANCELLED: "Reject (cancelled, refunded, closed)",
                  statuses.SHIPPED: "Reject (already shipped)"}

bp = Blueprint("imports", __name__, url_prefix="/imports")


@bp.get("/")
@allow(roles.IMPORT)
def index():
    """Upload form, template downloads and recent imports."""
    return _upload_page()


@bp.post("/")
@allow(roles.IMPORT)
def upload():
    """Save the uploaded file(s) and go to the column mapping; a refused upload answers the form again
    with the channel kept and the wrong input marked (a browser never sends a file back: pick it again)."""
    channel_id = request.form.get("channel_id", type=int)
    with flash_errors() as refused:
        job = file_upload.stage_upload(channel_id, request.files.get("file"), request.files.get("lines_file"),
                                   actor=current_user)
    if refused:
        return _upload_page(channel_id, field_errors(refused)), refused.status
    return redirect(url_for("imports.mapping", job_id=job.id))


def _upload_page(channel_id=None, errors=None):
    """The upload form (the channel chosen before kept) and the recent imports."""
    screen = file_upload.upload_screen()
    return render_template("imports/index.html", selected=channel_id, errors=errors or {}, jobs=screen["jobs"],
                           channel_choices=[(c.id, f"{c.name} ({c.code})") for c in screen["channels"]])


@bp.get("/<int:job_id>/mapping")
@allow(roles.IMPORT)
def mapping(job_id):
    """Their headers with a select of our field each, prefilled from the channel's saved mapping."""
    return _mapping_page(job_id)


@bp.post("/<int:job_id>/mapping")
@allow(roles.IMPORT)
def start(job_id):
    """Save the mapping for the channel and queue the import; a refused mapping answers the page again
    with every choice kept and each field to correct marked."""
    columns = {f: _chosen("map", f) for f in MAPPABLE}
    columns[STATUS_VALUES] = _status_words()
    lines_columns = {f: _chosen("lines", f) for f in ("external_id",) + LINE_FIELDS}
    with flash_errors() as refused:
        file_upload.start_file_import(job_id, columns, lines_columns, remember=True)
    if refused and refused.error.details.get("field") != "job":   # "already started": its progress page
        return _mapping_page(job_id, {"columns": columns, "lines_columns": lines_columns}, refused), refused.status
    return redirect(url_for("imports.show", job_id=job_id))


def _mapping_page(job_id, posted=None, refused=None):
    """The mapping page; after a refusal, the posted choices and the fields to correct."""
    errors = field_errors(refused, {**{f: f"map-{f}" for f in MAPPABLE},
                                    **{file_upload.LINES_PREFIX + f: f"lines-{f}" for f in ("external_id",) + LINE_FIELDS}})
    screen = file_upload.mapping_screen(job_id, posted)
    return render_template("imports/mapping.html", labels={**TEMPLATE_HEADERS, **EXTRA_LABELS},
                           fields=MAPPABLE, line_fields=LINE_FIELDS, fallbacks=FALLBACKS, verdicts=VERDICT_LABELS,
                           word_rows=WORD_ROWS, errors=errors, header_choices=[(h, h) for h in screen["headers"]],
                           lines_header_choices=[(h, h) for h in screen.get("lines_headers", [])], **screen)


@bp.get("/<int:job_id>")
@allow(roles.IMPORT)
def show(job_id):
    """Progress bar while it runs; the summary and rejected rows once done."""
    job = file_upload.get_job(job_id)
    return render_template("imports/show.html", job=job, reason_text=reason_text,
                           preset=presets.BY_CODE.get(job.preset))


@bp.get("/<int:job_id>/status")
@allow(roles.IMPORT)
def status(job_id):
    """JSON progress polled by the page, with the status and the reasons in the reader's language."""
    job = file_upload.get_job(job_id).to_dict()
    job["status_text"] = translate(job["status"])
    job["errors"] = [{**error, "reason_text": reason_text(error["reason"]),
                      "outcome_text": translate("outcome " + error["outcome"]) if error.get("outcome") else ""}
                     for error in job["errors"]]
    return job


def _chosen(prefix, field):
    """The column(s) chosen for a field: the first select, then its fallbacks, in order."""
    names = [request.form.get(f"{prefix}-{field}" + (f"-{n}" if n > 1 else ""), "") for n in range(1, FALLBACKS + 1)]
    names = list(dict.fromkeys(n for n in names if n))
    return names if len(names) > 1 else (names[0] if names else "")


def _status_words():
    """{their status word: verdict} from the mapping page's word rows."""
    words = {}
    for index in range(200):
        word = request.form.get(f"word-{index}")
        if word is None:
            break
        verdict = request.form.get(f"verdict-{index}", "")
        if word.strip() and verdict in statuses.VERDICTS:
            words[word.strip()] = verdict
    return words


def reason_text(reason):
    """A report row's reason in the reader's language."""
    template, values = order_rules.template_of(reason or "")
    if not values:
        template, values = validation.template_of(reason or "")
    if template == order_rules.HELD and "reason" in values:
        values["reason"] = held_text(values["reason"])
    return translate(template, **values)


def held_text(reason):
    """A hold's detail (statuses / order_rules templates) in the reader's language."""
    for template in (*statuses.REASONS.values(), order_rules.NEGATIVE_PRICE, order_rules.COUNT_MISMATCH):
        found = order_rules.match(template, reason)
        if found is not None:
            return translate(template, **found)
    return reason


@bp.get("/<int:job_id>/report.csv")
@allow(roles.IMPORT)
def report(job_id):
    """The rejected rows as CSV (row, order, field, column, reason)."""
    return send_file(file_upload.report_path(job_id), mimetype="text/csv", as_attachment=True,
                     download_name=f"import-{job_id}-errors.csv")


@bp.get("/template.csv")
@allow(roles.IMPORT)
def template():
    """Our CSV template (?lang=zh for Chinese headers)."""
    language = request.args.get("lang", "en")
    name = "订单导入模板.csv" if language.startswith("zh") else "order-import-template.csv"
    return Response(file_upload.template_csv(language), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(name)}"})


def _quote(name):
    from urllib.parse import quote

    return quote(name)
