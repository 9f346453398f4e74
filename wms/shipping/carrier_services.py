"""Carrier use cases: which carrier takes an order (by the rules in rules.py, or a person's
change), the carriers' list and settings, and the adapter that talks to a carrier's API."""
from datetime import time

from flask import current_app
from sqlalchemy import select

from wms import aftercommit
from wms.errors import IllegalTransition, ValidationFailed
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order
from wms.settings_forms import refusal as settings_refusal
from wms.shipping import carrier_settings, rules
from wms.shipping.carriers import adapter_for
from wms.shipping.lookups import active_parcels, get_order
from wms.shipping.models import PARCEL_LABELLED, Carrier, EarlyWaybill, Parcel
from wms.timeutil import utcnow
from wms.wording import wording


def carrier_adapter(carrier):
    """The carrier's adapter. A carrier without an api_url talks to the local Kuaidi100 sandbox when
    the app is configured with CARRIER_SANDBOX_URL (demo and development), never to the real API; a
    4PX carrier likewise to FOURPX_SANDBOX_URL."""
    settings = dict(carrier.settings or {})
    sandbox_url = current_app.config.get("CARRIER_SANDBOX_URL")
    fourpx_url = current_app.config.get("FOURPX_SANDBOX_URL")
    if settings.get("adapter") == "fourpx":
        if fourpx_url and not settings.get("api_url"):
            from wms.shipping.carriers.fourpx_sandbox import FourPxSandbox

            sandbox = FourPxSandbox.settings_for(fourpx_url)   # its own credentials: a real key would not sign
            settings = {"product_code": sandbox["product_code"], **settings,
                        **{key: sandbox[key] for key in ("api_url", "app_key", "app_secret")}}
        return adapter_for(settings)
    if sandbox_url and not settings.get("api_url"):
        from wms.shipping.carriers import sandbox

        settings = {"kuaidicom": carrier.code.lower(), **sandbox.Sandbox.settings_for(sandbox_url), **settings}
    if not settings.get("salt"):  # tracking pushes are signed with the carrier's salt, else the app's
        settings["salt"] = current_app.config.get("CARRIER_WEBHOOK_SALT", "")
    return adapter_for(settings)


def carrier_options():
    """Every carrier as the plain option the rules choose from."""
    return [rules.CarrierOption(
        code=c.code, name=c.name, regions=tuple(c.settings.get("regions") or ()),
        excluded=tuple(c.settings.get("excluded") or ()), max_weight_g=int(c.settings.get("max_weight_g") or 0),
        base_cents=int(c.settings.get("base_cents") or 0), per_kg_cents=int(c.settings.get("per_kg_cents") or 0),
        cutoffs=tuple(c.cutoffs or ()), active=c.active, international=bool(c.settings.get("international")),
        countries=tuple(str(code).upper() for code in c.settings.get("countries") or ()))
        for c in db.session.scalars(select(Carrier).order_by(Carrier.code))]


def order_weight_g(order):
    """The order's weight from its SKUs' weights (a line without a SKU weighs nothing)."""
    return sum((line.sku.weight_g if line.sku else 0) * line.qty for line in order.lines)


def buyer_choice(order):
    """The carrier the buyer asked for: a `carrier:<code>` tag set by the channel import."""
    for tag in order.tags or []:
        if isinstance(tag, str) and tag.startswith("carrier:"):
            return tag.split(":", 1)[1]
    return None


def carrier_choice(order, now=None):
    """What the rules would choose for this order (no write)."""
    shipment = rules.Shipment(order.province, order_weight_g(order), buyer_choice(order),
                              country=(order.country or "CN").upper())
    return rules.choose(shipment, carrier_options(), now or utcnow(), current_app.config["WAREHOUSE_TIMEZONE"])


def choose_carrier(order_id, actor=None, commit=True):
    """Set the order's carrier by the rules (seal calls it when the order has none)."""
    order = get_order(order_id)
    choice = carrier_choice(order)
    if choice.code and choice.code != order.carrier_code:
        order.carrier_code = choice.code
        order.note(wording("carrier {code}: {reason}", code=choice.code, reason=choice.wording), actor=actor,
                   kind="edit")
    if commit:
        aftercommit.commit()
    return choice


def change_carrier(order_id, carrier_code, actor=None, commit=True):
    """A person picks another carrier; allowed until a label exists. `commit=False`: in the caller's
    transaction (the failed queue's fix and retry)."""
    order = get_order(order_id)
    carrier = db.session.scalar(select(Carrier).where(Carrier.code == carrier_code, Carrier.active.is_(True)))
    if carrier is None:
        raise ValidationFailed.worded("unknown or inactive carrier {carrier}", carrier=repr(carrier_code),
                                      details={"field": "carrier_code"})
    if order.status in (states.LABELLED, states.SHIPPED, states.DELIVERED, states.COMPLETED) or \
            _labelled_parcel(order.id) is not None:
        raise IllegalTransition("the label exists: void it before changing the carrier", current=order.status)
    early = _early_waybill_number(order.id)
    if early:
        raise IllegalTransition.worded("Waybill {number} was requested before picking: the carrier can no longer "
                                       "change", number=early, details={"current": order.status})
    previous = order.carrier_code
    order.carrier_code = carrier_code
    for parcel in active_parcels(order.id):  # sealed or failed, no tracking number yet
        parcel.carrier_code = carrier_code
    order.note(wording("carrier changed from {old} to {new}", old=previous or "-", new=carrier_code), actor=actor,
               kind="edit")
    if commit:
        aftercommit.commit()
    return order


def _early_waybill_number(order_id):
    """The number of the order's live waybill requested before picking (the 店小秘 flow), or None; a failed
    one has none and is moved to another carrier from the waybill desk, which asks that carrier itself."""
    return db.session.scalar(select(EarlyWaybill.tracking_number).where(EarlyWaybill.live_order_id == order_id,
                                                                        EarlyWaybill.tracking_number.is_not(None)))


def _labelled_parcel(order_id):
    return db.session.scalar(select(Parcel).where(Parcel.order_id == order_id, Parcel.status == PARCEL_LABELLED))


def list_carriers():
    """All carriers, by code."""
    return db.session.scalars(select(Carrier).order_by(Carrier.code)).all()


def save_carrier(code, *, name, cutoffs, settings=None, settings_form=None, active=True):
    """Create or update a carrier; cut-offs are local "HH:MM" times, comma separated. `settings` is a
    dict checked by its adapter's form, or `settings_form` the carriers page's posted fields (the
    adapter chosen there, secrets left empty kept). Every wrong input is named; nothing is saved."""
    code = (code or "").strip()
    if not code or len(code) > 40:
        raise ValidationFailed("a carrier code of 1-40 characters is required", field="code")
    carrier = db.session.scalar(select(Carrier).where(Carrier.code == code))
    problems = {}
    times = _cutoff_times(cutoffs, problems)
    settings = _checked_settings(carrier.settings if carrier else {}, settings, settings_form, problems)
    if problems:
        raise settings_refusal(problems)
    carrier = carrier or Carrier(code=code)
    carrier.name, carrier.cutoffs, carrier.settings, carrier.active = name or code, sorted(times), settings, active
    db.session.add(carrier)
    aftercommit.commit()
    return carrier


def _cutoff_times(cutoffs, problems):
    times = [part.strip() for part in str(cutoffs or "").split(",") if part.strip()]
    for text in times:
        try:
            time.fromisoformat(text)
        except ValueError:
            problems["cutoffs"] = {"message": "Cut-off {time} is not a time of day (HH:MM)", "values": {"time": text}}
    return times


def _checked_settings(current, settings, posted, problems):
    """The settings to store, checked by the adapter's form; what is wrong goes into `problems`."""
    adapter = carrier_settings.adapter_of(posted if posted is not None else settings)
    if adapter not in carrier_settings.CARRIER_SETTINGS.forms:
        problems["adapter"] = {"message": "Unknown carrier adapter '{adapter}'", "values": {"adapter": adapter}}
        return {}
    form = carrier_settings.form_for(adapter)
    try:
        if posted is None:
            return form.check(settings or {})
        return {**form.read_page(posted, current=current), carrier_settings.ADAPTER_KEY: adapter}
    except ValidationFailed as refused:
        problems.update(refused.details.get("fields") or {})
        return {}


def order_carrier_view(order_id):
    """The order (None if missing) and what the rules would choose for it."""
    order = db.session.get(Order, order_id)
    return order, (carrier_choice(order) if order else None)
