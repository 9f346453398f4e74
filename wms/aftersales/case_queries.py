"""Reads of after-sales cases for the pages: one case with its receipts, the desk's paged list, the cases
of an order, the cases the returns screen waits for or a scan names, the platforms' requests without a case,
the order a case is opened on. Nothing here writes."""
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from wms.aftersales import case_states as cs
from wms.aftersales.case_models import AfterSalesCase
from wms.aftersales.models import ReturnReceipt
from wms.aftersales.refund_models import PlatformRefund
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inputs import as_int, clean_text
from wms.orders.models import Order
from wms.rows import get_or_not_found

MAX_TEXT = 64
PER_PAGE = 50


def get_case(case_id):
    """A case with its order, lines, timeline, replacement and receipts."""
    case = db.session.scalar(select(AfterSalesCase).where(AfterSalesCase.id == as_int(case_id)).options(
        joinedload(AfterSalesCase.order), joinedload(AfterSalesCase.replacement_order),
        joinedload(AfterSalesCase.channel), selectinload(AfterSalesCase.lines), selectinload(AfterSalesCase.events)))
    if case is None:
        get_or_not_found(AfterSalesCase, 0, "No such after-sales case")
    return case


def receipts_of(case_id):
    """The return receipts matched to the case, oldest first."""
    return db.session.scalars(select(ReturnReceipt).where(ReturnReceipt.case_id == case_id)
                              .order_by(ReturnReceipt.id)).all()


def unmatched_receipts(order_id):
    """Returns of this order received without a case (an unannounced parcel)."""
    return db.session.scalars(select(ReturnReceipt).where(ReturnReceipt.order_id == order_id,
                                                          ReturnReceipt.case_id.is_(None))
                              .order_by(ReturnReceipt.id)).all()


def cases_of_order(order_id):
    """The cases on an order or that made it (a replacement), newest first."""
    return db.session.scalars(select(AfterSalesCase).where(or_(AfterSalesCase.order_id == order_id,
                                                               AfterSalesCase.replacement_order_id == order_id))
                              .order_by(AfterSalesCase.id.desc())).all()


def expected(text):
    """Cases waiting for goods that a scanned return tracking number or order number names."""
    text = clean_text(text)
    if not text or len(text) > MAX_TEXT:
        return []
    return db.session.scalars(
        select(AfterSalesCase).join(Order, Order.id == AfterSalesCase.order_id)
        .where(AfterSalesCase.kind.in_(cs.EXPECTS_GOODS), AfterSalesCase.state.in_((cs.OPEN, cs.WAITING_RETURN)),
               or_(AfterSalesCase.return_tracking_number == text.upper(), Order.external_id == text))
        .options(joinedload(AfterSalesCase.order)).order_by(AfterSalesCase.id.desc()).limit(PER_PAGE)).all()


def waiting_for_goods(channel_id=None, limit=PER_PAGE):
    """Cases waiting for their goods, newest first (the returns screen's list)."""
    statement = (select(AfterSalesCase).where(AfterSalesCase.kind.in_(cs.EXPECTS_GOODS),
                                              AfterSalesCase.state.in_((cs.OPEN, cs.WAITING_RETURN)))
                 .options(joinedload(AfterSalesCase.order), joinedload(AfterSalesCase.channel))
                 .order_by(AfterSalesCase.id.desc()).limit(limit))
    if channel_id:
        statement = statement.where(AfterSalesCase.channel_id == channel_id)
    return db.session.scalars(statement).all()


def desk(kind="", state="", channel_id=None, q="", page=1):
    """The after-sales desk: cases filtered by kind, state, store, and an order or tracking number; newest
    first, paged. Returns (cases, total, pages)."""
    if kind and kind not in cs.KINDS:
        raise ValidationFailed("Unknown kind of case", field="kind")
    if state and state not in cs.STATES:
        raise ValidationFailed("Unknown case state", field="state")
    conditions = []
    if kind:
        conditions.append(AfterSalesCase.kind == kind)
    if state:
        conditions.append(AfterSalesCase.state == state)
    if channel_id:
        conditions.append(AfterSalesCase.channel_id == channel_id)
    text = clean_text(q)[:MAX_TEXT]
    if text:
        orders = select(Order.id).where(Order.external_id == text).scalar_subquery()
        conditions.append(or_(AfterSalesCase.order_id.in_(orders), AfterSalesCase.replacement_order_id.in_(orders),
                              AfterSalesCase.return_tracking_number == text.upper(),
                              AfterSalesCase.id == (as_int(text) or 0)))
    total = db.session.scalar(select(func.count(AfterSalesCase.id)).where(*conditions))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, as_int(page) or 1), pages)
    cases = db.session.scalars(select(AfterSalesCase).where(*conditions)
                               .options(joinedload(AfterSalesCase.order), joinedload(AfterSalesCase.channel),
                                        joinedload(AfterSalesCase.replacement_order))
                               .order_by(AfterSalesCase.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return cases, total, pages


def platform_requests_without_case(limit=PER_PAGE, channel_id=None):
    """The platforms' refund / after-sales requests not yet made a case, newest first (of one store, or all)."""
    statement = (select(PlatformRefund).where(~select(AfterSalesCase.id).where(
        AfterSalesCase.platform_refund_id == PlatformRefund.id).exists())
        .options(joinedload(PlatformRefund.order), joinedload(PlatformRefund.channel))
        .order_by(PlatformRefund.id.desc()).limit(limit))
    if channel_id:
        statement = statement.where(PlatformRefund.channel_id == channel_id)
    return db.session.scalars(statement).all()


def find_order(key):
    """The order a case is opened on, by its id or its number (the newest of that number)."""
    text = clean_text(key)[:MAX_TEXT]
    if not text:
        return None
    order = db.session.scalar(select(Order).where(Order.external_id == text).order_by(Order.id.desc()).limit(1))
    if order is None and text.isdigit():
        order = db.session.get(Order, int(text))
    return order
