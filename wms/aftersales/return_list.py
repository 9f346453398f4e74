"""The returns list: every return receipt, filtered by what became of its goods, paged (as the parcel
list is: one counted statement, one page statement with its orders, lines and bins loaded).

A receipt has no state of its own: what a person asks of past returns is what happened to the goods,
so the filter is a line's result - receipts with a line put back on a shelf, or with one written off
(a receipt can be both).
"""
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from wms.aftersales.models import RESTOCK, WRITE_OFF, ReturnLine, ReturnReceipt
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.orders.models import Order

RESULTS = (RESTOCK, WRITE_OFF)
PER_PAGE = 50


@dataclass
class ReturnPage:
    receipts: list
    total: int
    page: int
    pages: int


def return_page(result="", page=1, per_page=None, channel_id=None):
    """One page of return receipts, newest first; `result` one of RESULTS or "" (any); `channel_id`: of one
    store's orders, or any."""
    result, per_page = result or "", per_page or PER_PAGE
    if result and result not in RESULTS:
        raise ValidationFailed("Unknown return result", field="result")
    conditions = []
    if result:
        conditions.append(exists().where(ReturnLine.receipt_id == ReturnReceipt.id, ReturnLine.result == result))
    if channel_id:
        conditions.append(exists().where(Order.id == ReturnReceipt.order_id, Order.channel_id == channel_id))
    total = db.session.scalar(select(func.count(ReturnReceipt.id)).where(*conditions))
    pages = max(1, -(-total // per_page))
    page = min(max(int(page or 1), 1), pages)
    receipts = db.session.scalars(
        select(ReturnReceipt).where(*conditions)
        .options(joinedload(ReturnReceipt.order),
                 selectinload(ReturnReceipt.lines).options(joinedload(ReturnLine.order_line),
                                                           joinedload(ReturnLine.bin)))
        .order_by(ReturnReceipt.id.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    return ReturnPage(receipts=receipts, total=total, page=page, pages=pages)
