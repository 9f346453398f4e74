"""Put walls and their slots: the wall form, saving a wall (its slots laid out rows x columns, each
named by slot_code), and reading walls back."""
from sqlalchemy import delete, select

from wms import aftercommit
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inventory.models import Warehouse
from wms.putwall.models import PutWall, PutWallItem, PutWallSlot
from wms.putwall.slot_state import holds_goods, slot_views
from wms.rows import get_or_not_found
from wms.settings_forms import SettingField, SettingsForm

MAX_ROWS = 26      # rows are lettered A-Z
MAX_COLUMNS = 40

WALL_FORM = SettingsForm("put_wall", (
    SettingField("code", "Code", required=True, max_length=12, placeholder="PW1",
                 help="Letters and digits; each slot's code is the wall's code, its row letter and column, "
                      "e.g. `PW1-A01`. An existing code is updated."),
    SettingField("name", "Name", max_length=120),
    SettingField("warehouse_id", "Warehouse", "integer", required=True, minimum=1),
    SettingField("rows", "Rows", "integer", required=True, minimum=1, maximum=MAX_ROWS),
    SettingField("columns", "Columns", "integer", required=True, minimum=1, maximum=MAX_COLUMNS),
    SettingField("light_url", "Put-to-light controller", "url",
                 help="The controller's address, e.g. http://10.0.0.40:8080. Empty: the tablet screen only."),
))


def slot_code(wall_code, row, col):
    return f"{wall_code}-{chr(ord('A') + row)}{col + 1:02d}"


def walls(active_only=True):
    query = select(PutWall).order_by(PutWall.code)
    return db.session.scalars(query.where(PutWall.active.is_(True)) if active_only else query).all()


def get_wall(wall_id):
    return get_or_not_found(PutWall, wall_id, "No such put wall")


def save_wall(posted):
    """Create or update a wall (by code) from the page's fields; its slots follow rows x columns. A
    wall with an order in a slot keeps its size (ValidationFailed). Nothing is saved on a refusal."""
    names = [WALL_FORM.input_name(field) for field in WALL_FORM.fields]
    warehouses = {str(w.id) for w in db.session.scalars(select(Warehouse))}
    values = WALL_FORM.read_page({name: posted.get(name) for name in names})
    code = values["code"].strip().upper()
    if not code.replace("_", "").isalnum() or not code.isascii():
        raise ValidationFailed("Letters and digits only", field="code")
    if str(values["warehouse_id"]) not in warehouses:
        raise ValidationFailed("Choose one of the listed values", field="warehouse_id")
    wall = db.session.scalar(select(PutWall).where(PutWall.code == code))
    resized = wall is None or (wall.rows, wall.columns) != (values["rows"], values["columns"])
    if wall is not None and resized and any(holds_goods(s) for s in slot_views(wall)):
        raise ValidationFailed.worded("Wall {wall} has orders in its slots: pack or clear them before resizing it",
                                      wall=code, details={"field": "rows"})
    wall = wall or PutWall(code=code)
    wall.name, wall.warehouse_id = values.get("name") or "", int(values["warehouse_id"])
    wall.rows, wall.columns, wall.light_url, wall.active = values["rows"], values["columns"], values.get(
        "light_url") or "", True
    db.session.add(wall)
    db.session.flush()
    if resized:
        _lay_out_slots(wall)
    aftercommit.commit()
    return wall


def _lay_out_slots(wall):
    old = db.session.scalars(select(PutWallSlot.id).where(PutWallSlot.wall_id == wall.id)).all()
    if old:
        db.session.execute(delete(PutWallItem).where(PutWallItem.slot_id.in_(old)))
        db.session.execute(delete(PutWallSlot).where(PutWallSlot.id.in_(old)))
    db.session.add_all([PutWallSlot(wall_id=wall.id, number=row * wall.columns + col + 1, row=row, col=col,
                                    code=slot_code(wall.code, row, col))
                        for row in range(wall.rows) for col in range(wall.columns)])
    db.session.flush()
    db.session.expire(wall, ["slots"])
