"""The wall's JSON: the snapshot every TV (re)loads on (re)connect, and the desk's live reassign."""
from flask import Blueprint, request
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow, public
from wms.dashboard import services, viewer
from wms.errors import PermissionDenied, ValidationFailed

bp = Blueprint("wall_api", __name__, url_prefix="/api/wall")


@bp.get("/snapshot")
@public  # supervisors by session or bearer, TVs by kiosk key: checked in the view (viewer.may_watch)
def snapshot():
    """Everything the wall shows, now."""
    if not viewer.may_watch():
        raise PermissionDenied("Log in as a supervisor or open the wall from a live TV link")
    return services.snapshot()


@bp.post("/tasks/<int:task_id>/assign")
@allow(roles.SUPERVISE)
def assign(task_id):
    """Give a task to another picker (or back to the pool with picker_id null), live on both handhelds."""
    data = request.get_json(silent=True) or {}
    picker_id, version = data.get("picker_id"), data.get("version")
    if picker_id is not None and (not isinstance(picker_id, int) or isinstance(picker_id, bool)):
        raise ValidationFailed("picker_id must be a user id or null", field="picker_id")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ValidationFailed("version must be an integer", field="version")
    task = services.reassign_task(task_id, picker_id, actor=current_user, expected_version=version)
    return {"task": {"id": task.id, "code": task.code, "picker_id": task.picker_id, "status": task.status,
                     "version": task.version}}
