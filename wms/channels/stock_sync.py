"""Stock sync (库存同步): tell every store what it may sell after each change of availability.

How a change travels:
1. Inventory marks the SKU in the transaction that moved its stock (wms.stock_marks: a receipt, a
   return, an adjustment, a count, a short pick, an allocation, a release, a shipment).
2. `collect_marks` (the ticker's `sync_stock` job, every few seconds) takes the marks, finds every
   store's platform SKU made of those SKUs (SKU mappings and kits), bumps their ChannelStockState
   (needs_push, version + 1) - one row per store and platform SKU however often it moved: coalesced -
   and enqueues one push job per store that has something due and is not paused.
3. `push_channel` (the job) claims the store (one run at a time, a conditional UPDATE), reads the
   due rows, computes each quantity from the stock as it is now (wms.channels.stock_sync_rules),
   skips what the platform already has, pushes the rest in batches - each one call of the platform's
   batch API: at most `stock_batch_size` keys, of one `stock_group` where the platform batches per
   item or product - several calls side by side over kept-alive connections, and records per row the
   quantity pushed, when, and the refusal. A refused row (a batch answers per SKU) waits retry_at
   (backoff) and the ticker enqueues it again then; the rest of its batch is recorded as pushed.

A push never carries a quantity older than its own run: a move during the run bumps the version and
the row stays due. Once stock stops moving and the pushes went through, every store's last pushed
quantity is the formula's (tests/services/test_stock_sync_machine.py).
"""
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import bindparam, case, func, or_, select, update

from wms import aftercommit, job_names
from wms.channels import stock_sync_rules as rules
from wms.channels.base import ChannelAuthFailed, ChannelError, adapter_for, sandbox_overrides
from wms.channels.mapping_models import SkuMapping
from wms.catalog import kit_services, kits
from wms.channels.stock_models import ChannelStockRule, ChannelStockState, SkuSafetyStock, StockKitComponent
from wms.extensions import db
from wms.inventory.models import Bin, StockItem, Warehouse
from wms.orders.models import Channel
from wms.stock_marks import take_marks
from wms.timeutil import utcnow
from wms.worker import QueuedJob, enqueue

log = logging.getLogger("wms.channels.stock_sync")

PUSH_JOB = job_names.PUSH_CHANNEL_STOCK
STOCK_PLATFORMS = ("shopify", "taobao", "jd", "pdd", "douyin")  # adapters with push_stock (StockTarget)
OPEN_JOB_STATES = ("pending", "enqueued", "running")
MARKS_PER_RUN = 50_000
ROWS_PER_CHUNK = 1_000
CALLS_SIDE_BY_SIDE = 8          # a store's calls in flight at once (each its own HTTP session)
CLAIM_TIMEOUT = timedelta(minutes=10)


# --- marks -> due rows ------------------------------------------------------------------------

def collect_marks(limit=MARKS_PER_RUN):
    """Take the stock marks, make every affected store's platform SKU due; enqueue the stores' pushes.
    Returns {"skus", "rows", "enqueued"}."""
    sku_ids = take_marks(limit)
    pairs = listings_of_skus(sku_ids) if sku_ids else set()
    bump_states(pairs)
    aftercommit.commit()
    enqueued = enqueue_due_pushes()
    return {"skus": len(sku_ids), "rows": len(pairs), "enqueued": enqueued}


def stock_channel_ids():
    """Active stores whose platform takes stock."""
    return set(db.session.scalars(select(Channel.id).where(Channel.active.is_(True),
                                                           Channel.platform.in_(STOCK_PLATFORMS))))


def listings_of_skus(sku_ids):
    """{(channel_id, platform_sku)} of the stock stores' platform SKUs made of any of these SKUs."""
    channels = stock_channel_ids()
    pairs = set()
    ids = sorted(set(sku_ids) | kit_services.kits_containing(sku_ids))  # a catalogue kit moves with its components
    for start in range(0, len(ids), 900):
        part = ids[start:start + 900]
        pairs |= set(map(tuple, db.session.execute(select(SkuMapping.channel_id, SkuMapping.platform_sku)
                                        .where(SkuMapping.sku_id.in_(part))).all()))
        pairs |= set(map(tuple, db.session.execute(select(StockKitComponent.channel_id, StockKitComponent.platform_sku)
                                        .where(StockKitComponent.sku_id.in_(part))).all()))
    return {(channel_id, key) for channel_id, key in pairs if channel_id in channels}


def all_listings(channel_id):
    """Every platform SKU of one store (mapped or a kit)."""
    mapped = db.session.scalars(select(SkuMapping.platform_sku).where(SkuMapping.channel_id == channel_id,
                                                                      SkuMapping.sku_id.is_not(None)))
    kits = db.session.scalars(select(StockKitComponent.platform_sku).where(StockKitComponent.channel_id == channel_id))
    return {(channel_id, key) for key in set(mapped) | set(kits)}


def bump_states(pairs, forced=False):
    """Each (channel_id, platform_sku): due now, version + 1 (created when new).

    One upsert statement run with many parameter rows (executemany: compiled once); a multi-row VALUES
    of a thousand rows was compiled again for every chunk, most of a tick's CPU after a large receipt."""
    pairs = sorted(pairs)
    if not pairs:
        return
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = ChannelStockState.__table__
    set_ = {"version": table.c.version + 1, "needs_push": True, "retry_at": None}
    if forced:
        set_["forced"] = True
    stmt = insert(table).on_conflict_do_update(index_elements=[table.c.channel_id, table.c.platform_sku], set_=set_)
    for start in range(0, len(pairs), ROWS_PER_CHUNK):
        db.session.execute(stmt, [{"channel_id": c, "platform_sku": k, "version": 1, "needs_push": True,
                                   "forced": forced, "failures": 0} for c, k in pairs[start:start + ROWS_PER_CHUNK]])


def enqueue_due_pushes(now=None):
    """A push job for every unpaused stock store with a due row and no push job waiting or running."""
    now = now or utcnow()
    due = set(db.session.scalars(select(ChannelStockState.channel_id).where(
        ChannelStockState.needs_push.is_(True),
        or_(ChannelStockState.retry_at.is_(None), ChannelStockState.retry_at <= now)).distinct()))
    due &= stock_channel_ids()
    due -= set(db.session.scalars(select(ChannelStockRule.channel_id).where(ChannelStockRule.paused.is_(True))))
    due -= open_push_channels()
    for channel_id in sorted(due):
        enqueue(PUSH_JOB, channel_id, queue="imports")
    aftercommit.commit()
    return sorted(due)


def open_push_channels():
    """Stores with a push job waiting or running (rows of the last hour; older ones are dead)."""
    rows = db.session.scalars(select(QueuedJob.args).where(
        QueuedJob.func == PUSH_JOB, QueuedJob.status.in_(OPEN_JOB_STATES),
        QueuedJob.created_at >= utcnow() - timedelta(hours=1))).all()
    return {args[0] for args in rows if isinstance(args, list) and args}


# --- the push run -----------------------------------------------------------------------------

def push_channel(channel_id, *, adapter=None, side_by_side=CALLS_SIDE_BY_SIDE):
    """Push the store's due quantities (one run per store at a time). Returns a summary dict."""
    summary = {"channel_id": channel_id, "pushed": 0, "unchanged": 0, "refused": 0, "calls": 0, "skipped": None}
    channel = db.session.get(Channel, channel_id)
    if channel is None or not channel.active or channel.platform not in STOCK_PLATFORMS:
        summary["skipped"] = "not a stock store"
        return summary
    if not _claim(channel_id):
        summary["skipped"] = "paused or already pushing"
        return summary
    try:
        plain = SimpleNamespace(id=channel.id, code=channel.code, name=channel.name, platform=channel.platform,
                                settings=dict(channel.settings or {}))
        overrides = sandbox_overrides(channel, current_app.config)
        pusher = _Pusher(plain, overrides, adapter, side_by_side)
        after_id = 0
        while True:
            rows = _due_rows(channel_id, after_id)
            if not rows:
                break
            after_id = rows[-1].id
            if not _push_rows(channel_id, rows, pusher, summary):
                break  # the platform refused our credentials: the rest waits for the next run
    finally:
        _release(channel_id)
    log.info("stock pushed", extra={"stock_push": summary})
    return summary


def _claim(channel_id):
    """Take the store's one push run: a conditional UPDATE (rule row created on first use)."""
    if db.session.get(ChannelStockRule, channel_id) is None:
        db.session.add(ChannelStockRule(channel_id=channel_id))
        db.session.commit()
    now = utcnow()
    claimed = db.session.execute(update(ChannelStockRule).where(
        ChannelStockRule.channel_id == channel_id, ChannelStockRule.paused.is_(False),
        or_(ChannelStockRule.pushing_since.is_(None), ChannelStockRule.pushing_since < now - CLAIM_TIMEOUT))
        .values(pushing_since=now).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return claimed == 1


def _release(channel_id):
    db.session.rollback()
    db.session.execute(update(ChannelStockRule).where(ChannelStockRule.channel_id == channel_id)
                       .values(pushing_since=None).execution_options(synchronize_session=False))
    db.session.commit()


def _due_rows(channel_id, after_id):
    now = utcnow()
    return db.session.execute(select(
        ChannelStockState.id, ChannelStockState.platform_sku, ChannelStockState.version, ChannelStockState.forced,
        ChannelStockState.pushed_qty, ChannelStockState.last_error, ChannelStockState.failures)
        .where(ChannelStockState.channel_id == channel_id, ChannelStockState.needs_push.is_(True),
               ChannelStockState.id > after_id,
               or_(ChannelStockState.retry_at.is_(None), ChannelStockState.retry_at <= now))
        .order_by(ChannelStockState.id).limit(ROWS_PER_CHUNK)).all()


def _push_rows(channel_id, rows, pusher, summary):
    """One chunk: quantities from the stock now, unchanged ones settled, the rest pushed and recorded.
    False when the platform refused our credentials."""
    wanted = quantities(channel_id, [row.platform_sku for row in rows])
    db.session.commit()  # nothing is held while the platform is called
    unchanged = [row for row in rows if not row.forced and row.last_error is None and row.pushed_qty == wanted[row.platform_sku]]
    settled = {row.id for row in unchanged}
    to_push = [row for row in rows if row.id not in settled]
    outcomes, auth_failed = pusher.push([(row, wanted[row.platform_sku]) for row in to_push])
    now = utcnow()
    _settle(unchanged, now)
    _record(outcomes, now)
    db.session.commit()
    summary["unchanged"] += len(unchanged)
    summary["pushed"] += sum(1 for _row, _qty, error in outcomes if error is None)
    summary["refused"] += sum(1 for _row, _qty, error in outcomes if error is not None)
    summary["calls"] += pusher.calls
    pusher.calls = 0
    return not auth_failed


_STATES = ChannelStockState.__table__
_DONE = case((_STATES.c.version == bindparam("v"), False), else_=True)


def _settle(rows, now):
    if rows:
        db.session.execute(update(_STATES).where(_STATES.c.id == bindparam("row_id"))
                           .values(needs_push=_DONE),
                           [{"row_id": row.id, "v": row.version} for row in rows])


def _record(outcomes, now):
    ok = [{"row_id": row.id, "v": row.version, "qty": qty} for row, qty, error in outcomes if error is None]
    if ok:
        db.session.execute(update(_STATES).where(_STATES.c.id == bindparam("row_id")).values(
            needs_push=_DONE, forced=False, pushed_qty=bindparam("qty"), pushed_at=now, last_error=None,
            error_at=None, failures=0, retry_at=None), ok)
    failed = [{"row_id": row.id, "error": error[:500], "failures": row.failures + 1,
               "retry": now + timedelta(seconds=rules.retry_delay_seconds(row.failures + 1))}
              for row, _qty, error in outcomes if error is not None]
    if failed:
        db.session.execute(update(_STATES).where(_STATES.c.id == bindparam("row_id")).values(
            last_error=bindparam("error"), error_at=now, failures=bindparam("failures"),
            retry_at=bindparam("retry")), failed)


class _Pusher:
    """A store's push calls: batches of the platform's size (grouped by the adapter's `stock_group`
    when it batches per item or product), `side_by_side` in flight, each thread with its own adapter
    (its own HTTP session, whose kept-alive connection serves all of that thread's calls of the run)."""

    def __init__(self, channel, overrides, adapter, side_by_side):
        self.channel, self.overrides, self.calls = channel, overrides, 0
        self.shared = adapter
        self.side_by_side = 1 if adapter is not None else max(1, int(side_by_side))
        template = adapter or adapter_for(channel, **overrides)
        self.batch_size = max(1, int(getattr(template, "stock_batch_size", 1)))
        self.group_of = getattr(template, "stock_group", None)
        self._adapters = {}

    def _adapter(self):
        if self.shared is not None:
            return self.shared
        key = threading.get_ident()
        if key not in self._adapters:
            self._adapters[key] = adapter_for(self.channel, **self.overrides)
        return self._adapters[key]

    def push(self, pairs):
        """[(row, qty)] -> ([(row, qty, error or None)], auth_failed)."""
        batches = batches_of(pairs, self.batch_size, self.group_of)
        if not batches:
            return [], False
        self.calls += len(batches)
        if self.side_by_side == 1:
            results = [self._one(batch) for batch in batches]
        else:
            with ThreadPoolExecutor(max_workers=min(self.side_by_side, len(batches))) as pool:
                results = list(pool.map(self._one, batches))
        return [o for outcomes, _auth in results for o in outcomes], any(auth for _o, auth in results)

    def _one(self, batch):
        items = [{"platform_sku": row.platform_sku, "qty": qty} for row, qty in batch]
        try:
            answers = self._adapter().push_stock(items)
        except ChannelAuthFailed as error:
            return [(row, qty, error.message) for row, qty in batch], True
        except ChannelError as error:
            return [(row, qty, error.message) for row, qty in batch], False
        by_key = {str(a.get("platform_sku")): a for a in answers or []}
        outcomes = []
        for index, (row, qty) in enumerate(batch):
            answer = answers[index] if index < len(answers or []) else by_key.get(row.platform_sku)
            if answer is None:
                outcomes.append((row, qty, "the platform gave no answer for this SKU"))
            elif answer.get("ok"):
                outcomes.append((row, qty, None))
            else:
                outcomes.append((row, qty, str(answer.get("error") or "refused")))
        return outcomes, False


def batches_of(pairs, size, group_of=None):
    """[(row, qty)] cut into batches of at most `size`; with `group_of(platform_sku)` (a platform that
    batches the SKUs of one item or product) each batch holds one group's keys, groups in first-seen order."""
    if group_of is None:
        return [pairs[i:i + size] for i in range(0, len(pairs), size)]
    groups = {}
    for pair in pairs:
        groups.setdefault(group_of(pair[0].platform_sku), []).append(pair)
    return [members[i:i + size] for members in groups.values() for i in range(0, len(members), size)]


# --- the formula, read from the database -----------------------------------------------------

def quantities(channel_id, platform_skus):
    """{platform_sku: what the store may sell now} (0 for a key that is no longer mapped)."""
    components = listing_components(channel_id, platform_skus)
    sku_ids = {sku_id for parts in components.values() for sku_id, _qty in parts}
    free = free_by_sku(sku_ids)
    rule = store_rule(channel_id)
    return {key: rules.listing_quantity(components.get(key, []), free, rule) for key in platform_skus}


def listing_components(channel_id, platform_skus):
    """{platform_sku: [(sku_id, qty)]}: a kit's components, else its mapping's SKU (one unit)."""
    keys = sorted(set(platform_skus))
    found = {}
    for start in range(0, len(keys), 900):
        part = keys[start:start + 900]
        for key, sku_id, qty in db.session.execute(select(
                StockKitComponent.platform_sku, StockKitComponent.sku_id, StockKitComponent.qty).where(
                StockKitComponent.channel_id == channel_id, StockKitComponent.platform_sku.in_(part))):
            found.setdefault(key, []).append((sku_id, qty))
        for key, sku_id in db.session.execute(select(SkuMapping.platform_sku, SkuMapping.sku_id).where(
                SkuMapping.channel_id == channel_id, SkuMapping.platform_sku.in_(part), SkuMapping.sku_id.is_not(None))):
            found.setdefault(key, [(sku_id, 1)])
    return _kits_as_components(found)


def _kits_as_components(found):
    """A platform SKU mapped to one of our kits (组合装) sells as the kit's components."""
    table = kit_services.kit_table({sku_id for parts in found.values() for sku_id, _qty in parts})
    if not table:
        return found
    return {key: [(component, qty * per_kit) for sku_id, qty in parts
                  for component, per_kit in (kits.flatten(sku_id, table) or ((sku_id, 1),))]
            for key, parts in found.items()}


def free_by_sku(sku_ids):
    """{sku_id: on hand - reserved - safety stock} over the active bins of active warehouses."""
    ids = sorted(sku_ids)
    free = {sku_id: 0 for sku_id in ids}
    for start in range(0, len(ids), 900):
        part = ids[start:start + 900]
        stock = db.session.execute(
            select(StockItem.sku_id, func.sum(StockItem.on_hand - StockItem.reserved))
            .join(Bin, Bin.id == StockItem.bin_id).join(Warehouse, Warehouse.id == Bin.warehouse_id)
            .where(StockItem.sku_id.in_(part), Bin.active.is_(True), Warehouse.active.is_(True))
            .group_by(StockItem.sku_id)).all()
        safety = dict(db.session.execute(select(SkuSafetyStock.sku_id, SkuSafetyStock.qty)
                                         .where(SkuSafetyStock.sku_id.in_(part))).all())
        for sku_id, available in stock:
            free[sku_id] = rules.free_stock(int(available or 0), 0, safety.get(sku_id, 0))
    return free


def store_rule(channel_id):
    """The store's rule (the defaults when it has none)."""
    row = db.session.get(ChannelStockRule, channel_id)
    return rules.StoreRule() if row is None else rules.StoreRule(row.share_pct, row.fixed_qty)

