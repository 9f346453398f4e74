"""The import page: pick a channel, upload, map columns, watch progress, download the report."""
from flask import Blueprint, Response, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from wms.auth import roles
from wms.auth.access import allow
from wms.channels.models import Channel
from wms.extensions import db
from wms.i18n import translate
from wms.imports import uploads, validation
from wms.imports.mapping import FIELDS, LINE_FIELDS, REQUIRED_FIELDS, TEMPLATE_HEADERS

bp = Blueprint("imports", __name__, url_prefix="/imports")


@bp.get("/")
@allow(roles.IMPORT)
def index():
    """Upload form, template downloads and recent imports."""
    channels = db.session.scalars(select(Channel).where(Channel.active.is_(True)).order_by(Channel.name)).all()
    return render_template("imports/index.html", channels=channels, jobs=uploads.recent_jobs())


@bp.post("/")
@allow(roles.IMPORT)
def upload():
    """Save the uploaded file(s) and go to the column mapping."""
    channel_id = request.form.get("channel_id", type=int)
    job = uploads.stage_upload(channel_id, request.files.get("file"), request.files.get("lines_file"),
                             actor=current_user)
    return redirect(url_for("imports.mapping", job_id=job.id))


@bp.get("/<int:job_id>/mapping")
@allow(roles.IMPORT)
def mapping(job_id):
    """Their headers with a select of our field each, prefilled from the channel's saved mapping."""
    screen = uploads.mapping_screen(job_id)
    return render_template("imports/mapping.html", labels=TEMPLATE_HEADERS, fields=FIELDS,
                           line_fields=LINE_FIELDS, required=REQUIRED_FIELDS, **screen)


@bp.post("/<int:job_id>/mapping")
@allow(roles.IMPORT)
def start(job_id):
    """Save the mapping for the channel and queue the import."""
    columns = {f: request.form.get(f"map-{f}", "") for f in FIELDS}
    lines_columns = {f: request.form.get(f"lines-{f}", "") for f in ("external_id",) + LINE_FIELDS}
    uploads.start_file_import(job_id, columns, lines_columns, remember=True)
    return redirect(url_for("imports.show", job_id=job_id))


@bp.get("/<int:job_id>")
@allow(roles.IMPORT)
def show(job_id):
    """Progress bar while it runs; the summary and rejected rows once done."""
    return render_template("imports/show.html", job=uploads.get_job(job_id), reason_text=reason_text)


@bp.get("/<int:job_id>/status")
@allow(roles.IMPORT)
def status(job_id):
    """JSON progress polled by the page, with the status and the reasons in the reader's language."""
    job = uploads.get_job(job_id).to_dict()
    job["status_text"] = translate(job["status"])
    job["errors"] = [{**error, "reason_text": reason_text(error["reason"])} for error in job["errors"]]
    return job


def reason_text(reason):
    """A rejected row's reason in the reader's language."""
    template, values = validation.template_of(reason or "")
    return translate(template, **values)


@bp.get("/<int:job_id>/report.csv")
@allow(roles.IMPORT)
def report(job_id):
    """The rejected rows as CSV (row, order, field, column, reason)."""
    return send_file(uploads.report_path(job_id), mimetype="text/csv", as_attachment=True,
                     download_name=f"import-{job_id}-errors.csv")


@bp.get("/template.csv")
@allow(roles.IMPORT)
def template():
    """Our CSV template (?lang=zh for Chinese headers)."""
    language = request.args.get("lang", "en")
    name = "订单导入模板.csv" if language.startswith("zh") else "order-import-template.csv"
    return Response(uploads.template_csv(language), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(name)}"})


def _quote(name):
    from urllib.parse import quote

    return quote(name)
