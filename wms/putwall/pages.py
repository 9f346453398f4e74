"""Floor pages of the put wall feature: cart types (what a picker's cart holds), put walls (slots, lights,
a wave released to a wall as one pick-all cart) and a wall's tablet screen."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from wms.auth import roles
from wms.auth.access import allow
from wms.errors import flash_errors
from wms.forms import field_errors
from wms.i18n import _, catalogue_for_client, current_locale
from wms.inventory.services import list_warehouses
from wms.picking import cart_types, rules
from wms.picking.messages import MESSAGES as FLOOR_MESSAGES
from wms.putwall import releasing, wall_setup, wall_view
from wms.putwall.messages import MESSAGES

bp = Blueprint("putwall", __name__, url_prefix="/floor")


@bp.get("/cart-types")
@allow(roles.SUPERVISE)
def cart_types_page():
    """Cart types: totes, tote volume and weight, lines and units per cart."""
    return _cart_types_page()


@bp.post("/cart-types")
@allow(roles.SUPERVISE)
def save_cart_type():
    """Create or update a cart type; a refused post shows the form again as typed, wrong inputs marked."""
    with flash_errors() as refused:
        row = cart_types.save_cart_type(request.form)
    if refused:
        return _cart_types_page(request.form, field_errors(refused)), refused.status
    flash(_("Cart type {name} saved", name=row.name), "success")
    return redirect(url_for(".cart_types_page"))


@bp.post("/cart-types/<int:cart_type_id>/retire")
@allow(roles.SUPERVISE)
def retire_cart_type(cart_type_id):
    """Take a cart type off the wave form."""
    with flash_errors():
        row = cart_types.retire_cart_type(cart_type_id)
        flash(_("Cart type {name} retired", name=row.name), "success")
    return redirect(url_for(".cart_types_page"))


def _cart_types_page(values=None, errors=None):
    return render_template("putwall/cart_types.html", cart_types=cart_types.cart_types(),
                           form=cart_types.CART_TYPE_FORM, values=values or {}, errors=errors or {})


@bp.get("/walls")
@allow(roles.SUPERVISE)
def walls():
    """Put walls: their slots and lights; release a wave to a wall."""
    return _walls_page()


@bp.post("/walls")
@allow(roles.SUPERVISE)
def save_wall():
    """Create or update a put wall; a refused post shows the form again as typed, wrong inputs marked."""
    with flash_errors() as refused:
        wall = wall_setup.save_wall(request.form)
    if refused:
        return _walls_page(wall_values=request.form, wall_errors=field_errors(refused)), refused.status
    flash(_("Put wall {code} saved", code=wall.code), "success")
    return redirect(url_for(".walls"))


@bp.post("/walls/<int:wall_id>/release")
@allow(roles.SUPERVISE)
def release(wall_id):
    """Release a wave to this wall as one pick-all cart, one order per free slot."""
    with flash_errors() as refused:
        wave = releasing.release_to_wall(wall_id, rules.filter_from(request.form), rules.limits_from(request.form),
                                          actor=current_user)
    if refused:
        return _walls_page(release_values=request.form, release_errors=field_errors(refused),
                           release_wall=wall_id), refused.status
    flash(_("Wave {code} released to the put wall: {orders} orders", code=wave.code, orders=wave.orders_count),
          "success")
    return redirect(url_for("picking.wave", wave_id=wave.id))


def _walls_page(wall_values=None, wall_errors=None, release_values=None, release_errors=None, release_wall=None):
    rows = wall_setup.walls()
    return render_template("putwall/walls.html", walls=rows, states={w.id: wall_view.wall_state(w.id) for w in rows},
                           wall_form=wall_setup.WALL_FORM, wall_values=wall_values or {}, wall_errors=wall_errors or {},
                           warehouse_choices=[(w.id, f"{w.code} {w.name}") for w in list_warehouses(active_only=True)],
                           cart_type_choices=[(c.id, c.name) for c in cart_types.cart_types()],
                           release_values=release_values or {}, release_errors=release_errors or {},
                           release_wall=release_wall)


@bp.get("/walls/<int:wall_id>/screen")
@allow(roles.PACK)
def screen(wall_id):
    """The wall's tablet screen: scan an item, the slot for it lights; complete slots say pack."""
    wall = wall_setup.get_wall(wall_id)
    return render_template("putwall/screen.html", wall=wall, catalogue=catalogue_for_client(current_locale()),
                           messages={**FLOOR_MESSAGES, **MESSAGES})
