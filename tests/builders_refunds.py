"""Builders for the refunds and multi-store tests: stores on several platforms, a platform refund row."""
from tests.builders import make_channel
from wms.aftersales.refund_models import PlatformRefund
from wms.extensions import db


def make_stores():
    """Three stores on two platforms: {code: channel}."""
    return {code: make_channel(code=code, platform=platform, name=name) for code, platform, name in (
        ("pdd-tea", "pdd", "青瓷茶舍拼多多店"), ("jd-tea", "jd", "青瓷茶舍京东店"), ("jd-mug", "jd", "杯子京东自营"))}


def make_platform_refund(order, refund_id="9120002", kind="return_refund", status="agreed", action="expect_return",
                         tracking="YT8800112233", reason="商品与描述不符", amount_cents=11900):
    """A platform refund on `order` as the refund poll would have written it."""
    row = PlatformRefund(channel_id=order.channel_id, order_id=order.id, refund_id=refund_id, kind=kind, status=status,
                         action=action, reason=reason, amount_cents=amount_cents, return_carrier="圆通",
                         return_tracking_number=tracking)
    db.session.add(row)
    db.session.commit()
    return row
