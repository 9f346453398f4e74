"""JSON API of channel sync: start a sync ("Sync now") and read its status."""
from flask_login import current_user
from flask_smorest import Blueprint

from wms import openapi
from wms.auth import roles
from wms.auth.access import allow
from wms.channels import services
from wms.channels.schemas import SyncStarted, SyncStatus

bp = Blueprint("channels_api", __name__, url_prefix="/api/channels",
               description="Sales-channel sync (pull orders from the platform)")


@bp.route("/<int:channel_id>/sync", methods=["POST"])
@allow(roles.SUPERVISE)
@bp.alt_response(202, schema=SyncStarted, success=True)
@openapi.errors(bp, 401, 403, 404, 422)
def start_sync(channel_id):
    """Enqueue a sync of the channel; answers the job already waiting or running if there is one."""
    job, is_new = services.request_sync(channel_id, actor=current_user)
    return {"job_id": job.id, "status": job.status, "already_queued": not is_new}, 202


@bp.route("/<int:channel_id>/sync", methods=["GET"])
@allow(roles.SUPERVISE)
@bp.alt_response(200, schema=SyncStatus, success=True)
@openapi.errors(bp, 401, 403, 404)
def sync_status(channel_id):
    """The channel's sync cursor, last successful sync and latest sync job."""
    return dump_status(services.sync_status(channel_id, actor=current_user))


def dump_status(status):
    channel, job = status["channel"], status["job"]
    return {
        "channel_id": channel.id, "code": channel.code, "platform": channel.platform,
        "cursor": status["cursor"], "running": status["running"],
        "last_synced_at": _iso(status["last_synced_at"]),
        "job": None if job is None else {
            "id": job.id, "status": job.status, "attempts": job.attempts, "last_error": job.last_error,
            "created_at": _iso(job.created_at), "finished_at": _iso(job.finished_at)},
    }


def _iso(value):
    return value.isoformat() + "Z" if value else None


from wms.channels import taobao_api  # noqa: E402,F401  (Taobao TMC push receiver on this blueprint)
