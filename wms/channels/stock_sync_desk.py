"""Stock sync as a supervisor sees and steers it: where a store's sync stands, pause / resume,
"push all now", the store's share, kits and safety stock (each a use case owning its transaction)."""
from sqlalchemy import delete, func, select

from wms import aftercommit
from wms.catalog.models import Sku
from wms.channels import stock_sync
from wms.channels.stock_models import ChannelStockRule, ChannelStockState, SkuSafetyStock, StockKitComponent
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.orders.models import Channel
from wms.rows import get_or_not_found
from wms.stock_marks import mark_skus, pending_marks
from wms.timeutil import utcnow
from wms.worker import enqueue

ROWS_SHOWN = 20
MAX_QTY = 1_000_000


def stock_status(channel_id):
    """What the channel sync page shows of stock sync: the rule, figures, latest pushes and refusals."""
    channel = get_or_not_found(Channel, channel_id, "No such channel")
    rule = db.session.get(ChannelStockRule, channel_id)
    state = ChannelStockState
    counts = db.session.execute(select(
        func.count(state.id), func.count(state.id).filter(state.needs_push.is_(True)),
        func.count(state.id).filter(state.last_error.is_not(None)), func.max(state.pushed_at))
        .where(state.channel_id == channel_id)).one()
    columns = (state.platform_sku, state.pushed_qty, state.pushed_at, state.last_error, state.error_at,
               state.retry_at, state.needs_push)
    return {
        "supported": channel.platform in stock_sync.STOCK_PLATFORMS,
        "paused": bool(rule and rule.paused), "paused_by": rule.paused_by if rule else None,
        "paused_at": rule.paused_at if rule else None, "pushing": bool(rule and rule.pushing_since),
        "share_pct": rule.share_pct if rule else 100, "fixed_qty": rule.fixed_qty if rule else None,
        "listings": counts[0] or 0, "waiting": int(counts[1] or 0), "failing": int(counts[2] or 0),
        "last_pushed_at": counts[3], "marks_waiting": pending_marks(),
        "queued": channel_id in stock_sync.open_push_channels(),
        "latest": db.session.execute(select(*columns).where(state.channel_id == channel_id, state.pushed_at.is_not(None))
                                     .order_by(state.pushed_at.desc(), state.id.desc()).limit(ROWS_SHOWN)).all(),
        "errors": db.session.execute(select(*columns).where(state.channel_id == channel_id, state.last_error.is_not(None))
                                     .order_by(state.error_at.desc(), state.id.desc()).limit(ROWS_SHOWN)).all(),
    }


def _stock_channel(channel_id):
    channel = get_or_not_found(Channel, channel_id, "No such channel")
    if channel.platform not in stock_sync.STOCK_PLATFORMS:
        raise ValidationFailed.worded("Channel {channel} ({platform}) takes no stock from us", channel=channel.code,
                                      platform=channel.platform, details={"field": "platform"})
    return channel


def _rule_row(channel_id):
    rule = db.session.get(ChannelStockRule, channel_id)
    if rule is None:
        rule = ChannelStockRule(channel_id=channel_id, share_pct=100, paused=False)
        db.session.add(rule)
    return rule


def set_paused(channel_id, paused, actor=None):
    """Pause or resume the store's stock sync; resuming enqueues what waited meanwhile."""
    _stock_channel(channel_id)
    rule = _rule_row(channel_id)
    rule.paused = bool(paused)
    rule.paused_by = (getattr(actor, "username", None) or (actor if isinstance(actor, str) else None)) if paused else None
    rule.paused_at = utcnow() if paused else None
    aftercommit.commit()
    if not paused:
        stock_sync.enqueue_due_pushes()
    return rule


def push_all_now(channel_id, actor=None):
    """Every platform SKU of the store due now, pushed even where the platform already has the quantity.
    Returns how many rows are due (a paused store keeps them until it is resumed)."""
    _stock_channel(channel_id)
    pairs = stock_sync.all_listings(channel_id)
    stock_sync.bump_states(pairs, forced=True)
    _rule_row(channel_id)
    aftercommit.commit()
    stock_sync.enqueue_due_pushes()
    return len(pairs)


def set_rule(channel_id, share_pct, fixed_qty=None, actor=None):
    """The store's part of the free stock: a share 0-100 % or a fixed quantity; every listing due again."""
    _stock_channel(channel_id)
    share = _whole(share_pct, "share_pct", 0, 100, "The share must be a whole number from 0 to 100")
    fixed = None if fixed_qty in (None, "") else _whole(fixed_qty, "fixed_qty", 0, MAX_QTY,
                                                         "The fixed quantity must be a whole number of 0 or more")
    rule = _rule_row(channel_id)
    rule.share_pct, rule.fixed_qty = share, fixed
    stock_sync.bump_states(stock_sync.all_listings(channel_id))
    aftercommit.commit()
    stock_sync.enqueue_due_pushes()
    return rule


def set_kit(channel_id, platform_sku, components):
    """The store's platform SKU is a kit of [(sku_id, qty)] (empty = no longer a kit); due again."""
    _stock_channel(channel_id)
    key = (platform_sku or "").strip()
    if not key or len(key) > 64:
        raise ValidationFailed("A platform SKU of 1-64 characters is needed", field="platform_sku")
    parts = {}
    for sku_id, qty in components:
        parts[int(sku_id)] = parts.get(int(sku_id), 0) + _whole(qty, "qty", 1, 10_000, "A kit holds 1 or more of each SKU")
    known = set(db.session.scalars(select(Sku.id).where(Sku.id.in_(list(parts))))) if parts else set()
    if set(parts) - known:
        raise ValidationFailed("Unknown SKU", field="sku", sku_ids=sorted(set(parts) - known))
    db.session.execute(delete(StockKitComponent).where(StockKitComponent.channel_id == channel_id,
                                                       StockKitComponent.platform_sku == key))
    db.session.add_all([StockKitComponent(channel_id=channel_id, platform_sku=key, sku_id=s, qty=q)
                        for s, q in sorted(parts.items())])
    stock_sync.bump_states({(channel_id, key)})
    aftercommit.commit()
    stock_sync.enqueue_due_pushes()


def set_safety_stock(sku_id, qty):
    """Units of a SKU kept back from every store; the SKU is marked so every store hears of it."""
    if db.session.get(Sku, sku_id) is None:
        raise ValidationFailed("Unknown SKU", field="sku")
    qty = _whole(qty, "qty", 0, MAX_QTY, "The safety stock must be a whole number of 0 or more")
    row = db.session.get(SkuSafetyStock, sku_id) or SkuSafetyStock(sku_id=sku_id)
    row.qty = qty
    db.session.add(row)
    mark_skus([sku_id])
    aftercommit.commit()
    return row


def request_stock_push(channel_id):
    """Enqueue the store's push job now unless one waits or runs; True when enqueued."""
    _stock_channel(channel_id)
    if channel_id in stock_sync.open_push_channels():
        return False
    enqueue(stock_sync.PUSH_JOB, channel_id, queue="imports")
    aftercommit.commit()
    return True


def _whole(value, field, low, high, message):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationFailed(message, field=field) from None
    if isinstance(value, bool) or not low <= number <= high or str(value).strip() not in (str(number), f"+{number}"):
        raise ValidationFailed(message, field=field)
    return number
