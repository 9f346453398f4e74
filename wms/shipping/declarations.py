"""Customs declaration use cases: an order's declaration (derived from its lines and their SKUs'
customs data, or as a reviewer saved it), the reviewer's edit and reset, the check the waybill
request makes for a parcel leaving China, and the CN 22 / CN 23 form.

Why derive-then-copy: most orders declare exactly what the catalogue says, so nothing is stored
until a reviewer changes something; from then on the order keeps its own copy (a later SKU edit
never changes what a parcel already declared). The IOSS / VAT number comes from the order's
`ioss:` / `vat:` tags (import or platform) or its channel's settings.
"""
from decimal import Decimal, InvalidOperation

from flask import current_app
from sqlalchemy import select

from wms import aftercommit
from wms.errors import IllegalTransition, ValidationFailed
from wms.extensions import db
from wms.shipping import carrier_services, customs, customs_pdf
from wms.shipping.carriers.base import CUSTOMS_INCOMPLETE, WaybillError
from wms.shipping.lookups import get_order
from wms.shipping.models import PARCEL_LABELLED, Carrier, CustomsDeclaration, Parcel
from wms.wording import english, wording

EDITABLE = ("name_cn", "name_en", "hs_code", "unit_value", "origin", "material")
MAX_TEXT = {"name_cn": 60, "name_en": 60, "hs_code": 10, "origin": 2, "material": 60}


def derived(order):
    """The declaration the catalogue gives: one item per order line, values from its SKU."""
    items = []
    for line in order.lines:
        sku = line.sku
        items.append(customs.Item(
            sku_code=line.sku_code, qty=line.qty, name_cn=(sku.customs_name_cn if sku else "") or "",
            name_en=(sku.customs_name_en if sku else "") or "", hs_code=(sku.hs_code if sku else "") or "",
            unit_value_cents=(sku.declared_value_cents if sku else 0) or 0,
            currency=(sku.declared_currency if sku else "") or "", origin=(sku.origin_country if sku else "") or "",
            material=(sku.material if sku else "") or "", unit_weight_g=(sku.weight_g if sku else 0) or 0))
    currency = next((item.currency for item in items if item.currency), "USD")
    ioss, vat = customs.tax_numbers_from(order.tags, (order.channel.settings if order.channel else None))
    return customs.Declaration(country=(order.country or "CN").upper(), items=tuple(items), currency=currency,
                               ioss_number=ioss, vat_number=vat, recipient=_recipient(order))


def declaration_of(order):
    """(Declaration, saved row or None): the reviewer's copy when there is one, else derived."""
    row = _row(order.id)
    if row is None:
        return derived(order), None
    items = tuple(customs.Item(**{**item, "currency": row.currency}) for item in row.items or [])
    return customs.Declaration(country=(order.country or "CN").upper(), items=items, currency=row.currency,
                               category=row.category, ioss_number=row.ioss_number, vat_number=row.vat_number,
                               recipient=_recipient(order)), row


def status_of(order):
    """What the desk shows for an order: None at home; else needed, gaps (wordings), form, edited."""
    if not customs.needs_declaration(order.country):
        return None
    declaration, row = declaration_of(order)
    return {"declaration": declaration, "gaps": customs.missing(declaration), "edited": row is not None,
            "form": customs.form_for(declaration, _rates()), "eu": customs.is_eu(declaration.country),
            "value_sdr": customs.value_sdr(declaration, _rates())}


def declaration_view(order_id):
    """The order and its customs status (None: it stays in China and needs none)."""
    order = get_order(order_id)
    return order, status_of(order)


def for_waybill(order):
    """The declaration a parcel of this order sends its forwarder (None at home); WaybillError
    CUSTOMS_INCOMPLETE naming every gap while it is not complete (never sent to the carrier)."""
    if not customs.needs_declaration(order.country):
        return None
    declaration, _row_ = declaration_of(order)
    gaps = customs.missing(declaration)
    if gaps:
        raise WaybillError(CUSTOMS_INCOMPLETE, "customs declaration incomplete: " + english(gaps), retryable=False)
    return declaration


def save_declaration(order_id, posted, actor=None):
    """A reviewer's declaration: per line the declared names, HS code, unit value, origin and
    material; the currency, category and IOSS / VAT numbers. Every wrong input is refused by name and
    nothing is saved; an order whose label exists is refused (void the label first)."""
    order = get_order(order_id)
    if not customs.needs_declaration(order.country):
        raise _refused("This order stays in China: it needs no customs declaration", "country")
    _refuse_when_labelled(order)
    current, _row_ = declaration_of(order)
    currency = str(posted.get("currency") or current.currency).strip().upper()
    if currency not in customs.CURRENCIES:
        raise _refused("Unknown currency {currency}", "currency", currency=currency)
    category = str(posted.get("category") or current.category)
    if category not in customs.CATEGORIES:
        raise _refused("Unknown category {category}", "category", category=category)
    items = [_posted_item(item, index, posted) for index, item in enumerate(current.items)]
    row = _row(order.id) or CustomsDeclaration(order_id=order.id)
    row.items, row.currency, row.category = items, currency, category
    row.ioss_number = customs.normal_tax_number(posted.get("ioss_number", current.ioss_number))[:20]
    row.vat_number = customs.normal_tax_number(posted.get("vat_number", current.vat_number))[:20]
    row.edited_by_id = getattr(actor, "id", None)
    db.session.add(row)
    order.note(wording("customs declaration saved"), actor=actor, kind="edit")
    aftercommit.commit()
    return status_of(order)


def reset_declaration(order_id, actor=None):
    """Drop the reviewer's copy: the declaration is derived from the catalogue again."""
    order = get_order(order_id)
    _refuse_when_labelled(order)
    row = _row(order.id)
    if row is not None:
        db.session.delete(row)
        order.note(wording("customs declaration taken from the catalogue again"), actor=actor, kind="edit")
    aftercommit.commit()
    return status_of(order)


def form_pdf(order_id):
    """(file name, PDF bytes) of the order's CN 22 or CN 23 (refused while the declaration has gaps)."""
    order = get_order(order_id)
    try:
        declaration = for_waybill(order)
    except WaybillError:
        raise _refused("The customs declaration is incomplete: complete it first", "customs") from None
    if declaration is None:
        raise _refused("This order stays in China: it needs no customs declaration", "country")
    parcel = db.session.scalar(select(Parcel).where(Parcel.order_id == order.id).order_by(Parcel.id.desc()))
    sender = _sender(order)
    form = customs.form_for(declaration, _rates())
    pdf = customs_pdf.render(declaration, form=form, order_ref=order.external_id, sender=sender,
                             tracking_number=(parcel.tracking_number if parcel else "") or "",
                             weight_g=(parcel.weight_g if parcel else 0) or declaration.weight_g)
    return f"{form}-{order.external_id}.pdf", pdf


def _posted_item(item, index, posted):
    values = {}
    for name in EDITABLE:
        key = f"{name}-{index}"
        text = str(posted.get(key, "")).strip() if key in posted else None
        if text is None:
            values[name] = _current(item, name)
        elif name == "unit_value":
            values[name] = _cents(text, key)
        else:
            if len(text) > MAX_TEXT[name]:
                raise _refused("{sku}: at most {count} characters", key, sku=item.sku_code, count=MAX_TEXT[name])
            values[name] = text.upper() if name in ("origin",) else text
    return {"sku_code": item.sku_code, "qty": item.qty, "name_cn": values["name_cn"], "name_en": values["name_en"],
            "hs_code": values["hs_code"].replace(".", "").replace(" ", ""), "unit_value_cents": values["unit_value"],
            "origin": values["origin"], "material": values["material"], "unit_weight_g": item.unit_weight_g}


def _current(item, name):
    return item.unit_value_cents if name == "unit_value" else getattr(item, name)


def _cents(text, field):
    if text == "":
        return 0
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _refused("'{amount}' is not an amount", field, amount=text) from None
    if value < 0 or value > 1_000_000 or value != value.quantize(Decimal("0.01")):
        raise _refused("'{amount}' is not an amount between 0 and 1,000,000 with at most 2 decimals", field,
                       amount=text)
    return int(value * 100)


def _refuse_when_labelled(order):
    labelled = db.session.scalar(select(Parcel.id).where(Parcel.order_id == order.id,
                                                         Parcel.status == PARCEL_LABELLED))
    if labelled is not None:
        raise IllegalTransition("the label exists: void it before changing the declaration", current=order.status)


def _recipient(order):
    return {"name": order.buyer_name or "", "phone": order.buyer_phone or "", "address": order.address or "",
            "city": order.city or "", "province": order.province or "", "postcode": order.postcode or "",
            "country": (order.country or "").upper()}


def _sender(order):
    """The sender the form names: the order's carrier's (before one is set, the one the rules choose)."""
    code = order.carrier_code or carrier_services.carrier_choice(order).code
    carrier = db.session.scalar(select(Carrier).where(Carrier.code == code)) if code else None
    return dict((carrier.settings or {}).get("sender") or {}) if carrier else {}


def _rates():
    return current_app.config.get("CUSTOMS_SDR_RATES") or customs.SDR_PER_UNIT


def _refused(template, field, **values):
    """A ValidationFailed whose page flash is translated (its English template and values kept)."""
    return ValidationFailed.worded(template, **values, details={"field": field})


def _row(order_id):
    return db.session.scalar(select(CustomsDeclaration).where(CustomsDeclaration.order_id == order_id))
