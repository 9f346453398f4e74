"""The wall's JSON: the snapshot every TV (re)loads on (re)connect, and the desk's live reassign."""
from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from wms import openapi
from wms.auth import roles
from wms.auth.access import allow, public
from wms.dashboard import services, viewer
from wms.dashboard.schemas import Assigned, AssignBody, WallSnapshot
from wms.errors import PermissionDenied, ValidationFailed

bp = Blueprint("wall_api", __name__, url_prefix="/api/wall",
               description="The wall (大屏): its snapshot, and the supervisor's live task reassignment")


@bp.get("/snapshot")
@public  # supervisors by session or bearer, TVs by kiosk key: checked in the view (viewer.may_watch)
@bp.doc(security=[*openapi.DEFAULT_SECURITY, {"wallKey": []}])
@bp.alt_response(200, schema=WallSnapshot, success=True)
@openapi.errors(bp, 403, why={403: "Neither a supervisor's login nor a live kiosk key (`forbidden`)"})
def snapshot():
    """Everything the wall shows, now."""
    if not viewer.may_watch():
        raise PermissionDenied("Log in as a supervisor or open the wall from a live TV link")
    return services.snapshot()


@bp.post("/tasks/<int:task_id>/assign")
@allow(roles.SUPERVISE)
@bp.doc(**openapi.body(AssignBody, required=False))
@bp.alt_response(200, schema=Assigned, success=True)
@openapi.errors(bp, 401, 403, 404, 409, 422)
def assign(task_id):
    """Give a task to another picker (or back to the pool with picker_id null), live on both handhelds."""
    data = request.get_json(silent=True)
    if data is None:
        data = {}  # no body: back to the pool
    if not isinstance(data, dict):
        raise ValidationFailed("Send a JSON object with picker_id and version")
    picker_id, version = data.get("picker_id"), data.get("version")
    if picker_id is not None and (not isinstance(picker_id, int) or isinstance(picker_id, bool)):
        raise ValidationFailed("picker_id must be a user id or null", field="picker_id")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ValidationFailed("version must be an integer", field="version")
    task = services.reassign_task(task_id, picker_id, actor=current_user, expected_version=version)
    return {"task": {"id": task.id, "code": task.code, "picker_id": task.picker_id, "status": task.status,
                     "version": task.version}}
