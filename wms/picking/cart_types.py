"""Cart types: the supervisor's list (validated form, wms.settings_forms) and a wave's limits from the
cart type it is planned with (waves.CartCapacity)."""
from sqlalchemy import select

from wms import aftercommit
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.picking import waves
from wms.picking.cart_models import CartType
from wms.rows import get_or_not_found
from wms.settings_forms import SettingField, SettingsForm

MAX_TOTES = 100
MAX_TOTE_VOLUME_CM3 = 1_000_000   # a cubic metre
MAX_TOTE_WEIGHT_G = 200_000
MAX_PER_CART = 100_000

# The cart types page's form: drawn from this list and checked by it.
CART_TYPE_FORM = SettingsForm("cart_type", (
    SettingField("name", "Name", required=True, max_length=60, placeholder="Cart 8x20L",
                 help="How pickers and supervisors call this cart. An existing name is updated."),
    SettingField("totes", "Totes", "integer", required=True, minimum=1, maximum=MAX_TOTES,
                 help="Tote slots on the cart: one order per tote on a multi-item cart."),
    SettingField("tote_volume_cm3", "Tote volume (cm³)", "integer", required=True, minimum=1,
                 maximum=MAX_TOTE_VOLUME_CM3, help="Inside volume of one tote, e.g. 20000 for 20 litres."),
    SettingField("tote_max_weight_g", "Tote max weight (g)", "integer", required=True, minimum=1,
                 maximum=MAX_TOTE_WEIGHT_G),
    SettingField("max_lines", "Max lines per cart", "integer", minimum=1, maximum=MAX_PER_CART,
                 help="Empty: no limit."),
    SettingField("max_units", "Max units per cart", "integer", minimum=1, maximum=MAX_PER_CART,
                 help="Empty: no limit."),
))


def cart_types(active_only=True):
    """The cart types by name."""
    query = select(CartType).order_by(CartType.name)
    if active_only:
        query = query.where(CartType.active.is_(True))
    return db.session.scalars(query).all()


def save_cart_type(posted):
    """Create or update a cart type (by name) from the page's fields; every wrong input is named and
    nothing is saved."""
    names = [CART_TYPE_FORM.input_name(field) for field in CART_TYPE_FORM.fields]
    values = CART_TYPE_FORM.read_page({name: posted.get(name) for name in names})
    name = values.pop("name").strip()
    if not name:
        raise ValidationFailed("Required", field="name")
    row = db.session.scalar(select(CartType).where(CartType.name == name)) or CartType(name=name)
    row.totes, row.tote_volume_cm3, row.tote_max_weight_g = (values["totes"], values["tote_volume_cm3"],
                                                             values["tote_max_weight_g"])
    row.max_lines, row.max_units, row.active = values.get("max_lines"), values.get("max_units"), True
    db.session.add(row)
    aftercommit.commit()
    return row


def retire_cart_type(cart_type_id):
    """Take a cart type off the wave form (waves released with it keep its name in their criteria)."""
    row = get_or_not_found(CartType, cart_type_id, "No such cart type")
    row.active = False
    aftercommit.commit()
    return row


def capacity(cart_type_id):
    """The pure view of an active cart type; ValidationFailed on the wave form's field if there is none."""
    row = db.session.get(CartType, cart_type_id) if isinstance(cart_type_id, int) else None
    if row is None or not row.active:
        raise ValidationFailed("Choose a cart type from the list", field="cart_type")
    return waves.CartCapacity(row.name, row.totes, float(row.tote_volume_cm3), row.tote_max_weight_g,
                              row.max_lines, row.max_units)


def with_cart_type(data, limits):
    """`limits` with each batch limited to the cart type the form names (`cart_type`: its id), or as
    they are when it names none."""
    raw = data.get("cart_type")
    if raw in (None, ""):
        return limits
    try:
        cart_type_id = int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed("Choose a cart type from the list", field="cart_type") from None
    return capacity(cart_type_id).limits(limits)
