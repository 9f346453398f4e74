"""Wave planning: which allocated orders go into the next wave, and how they are grouped. Pure.

A wave takes the orders that match the supervisor's filter (carrier, cut-off, priority, zone,
order type, tags: any of the included, none of the excluded), most urgent first: earliest promised
ship-by (承诺发货时间: a late order is fined by the platform; orders without one, imported before
there were ship-by times, come after), then earliest carrier cut-off, then highest priority, then
oldest. With `priority_first` (the tag rules' priorities: a VIP rule) the highest priority comes
first and ship-by orders the rest. It
stops at the wave's limits (orders, lines). Single-item orders are picked together onto one cart
and sorted at the pack bench, so their batches are limited by units per cart; multi-item orders are
batch-picked into the slots of a tote cart, so their batches are limited by tote slots. The batching
itself (which orders share a cart) is `batching.plan_batches`, minimising total walking.

Complexity: O(n log n) for n candidate orders (one sort).
"""
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

SINGLE = "single"  # one unit in the order: picked in bulk, sorted at pack
MULTI = "multi"    # several units: picked into its own tote slot
WALL = "wall"      # a pick-all batch: every order of the wave on one cart, sorted at a put wall
ANY = "any"

_FAR_FUTURE = datetime(9999, 1, 1)


@dataclass(frozen=True)
class Candidate:
    """An allocated order as wave planning sees it."""

    order_id: int
    units: int
    lines: int
    priority: int = 0
    carrier: str | None = None
    cutoff: datetime | None = None   # next carrier cut-off (naive UTC)
    created_at: datetime = _FAR_FUTURE
    zones: frozenset = frozenset()
    weight_g: int = 0
    volume_cm3: float = 0.0
    ship_by: datetime | None = None  # promised ship-by time (naive UTC)
    tags: frozenset = frozenset()    # the order's tag keys (wms.orders.tags.key); read when a filter names tags

    @property
    def order_type(self):
        return SINGLE if self.units == 1 else MULTI


@dataclass(frozen=True)
class WaveFilter:
    """What a supervisor (or the automatic rule) asks for; None means no restriction."""

    carriers: frozenset | None = None
    cutoff_before: datetime | None = None
    min_priority: int | None = None
    zones: frozenset | None = None
    order_type: str = ANY
    include_tags: frozenset | None = None   # tag keys: the order carries one of them at least
    exclude_tags: frozenset | None = None   # tag keys: the order carries none of them
    priority_first: bool = False            # highest priority first, then ship-by (else ship-by first)

    @property
    def names_tags(self):
        return bool(self.include_tags or self.exclude_tags)

    def matches(self, c: Candidate) -> bool:
        return ((self.carriers is None or c.carrier in self.carriers)
                and (not self.include_tags or bool(c.tags & self.include_tags))
                and (not self.exclude_tags or not (c.tags & self.exclude_tags))
                and (self.cutoff_before is None or (c.cutoff is not None and c.cutoff <= self.cutoff_before))
                and (self.min_priority is None or c.priority >= self.min_priority)
                and (self.zones is None or (c.zones and c.zones <= self.zones))
                and (self.order_type == ANY or c.order_type == self.order_type))


@dataclass(frozen=True)
class WaveLimits:
    """Limits of one wave and of each batch (one picker's cart) inside it."""

    max_orders: int = 400
    max_lines: int = 2000
    tote_slots: int = 8            # orders per multi-item batch
    single_units_per_cart: int = 40
    max_batch_lines: int | None = None
    max_batch_weight_g: int | None = 25_000
    max_batch_volume_cm3: float | None = None
    max_batch_units: int | None = None
    cart_type: str | None = None              # the cart type's name when a cart type set the batch limits
    tote_volume_cm3: float | None = None      # one tote's volume and weight: a multi order rides in one tote
    tote_max_weight_g: int | None = None
    pick_all: bool = False                    # one batch for the whole wave (no tote per order): a put wall


@dataclass(frozen=True)
class CartCapacity:
    """What one cart type holds (OCA shopfloor's device types): its totes, each tote's volume and
    weight, and the lines and units a picker may take on one tour."""

    name: str
    totes: int
    tote_volume_cm3: float
    tote_max_weight_g: int
    max_lines: int | None = None
    max_units: int | None = None

    @property
    def volume_cm3(self):
        return self.totes * self.tote_volume_cm3

    @property
    def weight_g(self):
        return self.totes * self.tote_max_weight_g

    def limits(self, wave_limits: WaveLimits) -> WaveLimits:
        """The wave's limits with each batch limited to this cart (the wave's own limits kept)."""
        return replace(wave_limits, tote_slots=self.totes, max_batch_lines=self.max_lines,
                       max_batch_weight_g=self.weight_g, max_batch_volume_cm3=self.volume_cm3,
                       max_batch_units=self.max_units, cart_type=self.name, tote_volume_cm3=self.tote_volume_cm3,
                       tote_max_weight_g=self.tote_max_weight_g)


def fill_pct(load, limit):
    """How full a cart is for one measure, in whole percent (None: that measure has no limit)."""
    if not limit:
        return None
    return int(round(100 * load / limit))


@dataclass
class WavePlan:
    """The chosen orders, split by order type (or all on one pick-all cart: `wall`)."""

    single: list = field(default_factory=list)
    multi: list = field(default_factory=list)
    skipped: int = 0  # matched the filter but did not fit this wave's limits
    wall: list = field(default_factory=list)

    @property
    def orders(self):
        return self.single + self.multi + self.wall


def urgency(c: Candidate):
    """Sort key: earliest ship-by, then earliest cut-off, then highest priority, then oldest order."""
    return (c.ship_by or _FAR_FUTURE, c.cutoff or _FAR_FUTURE, -c.priority, c.created_at, c.order_id)


def priority_urgency(c: Candidate):
    """Sort key with priority first: highest priority, then as `urgency`."""
    return (-c.priority,) + urgency(c)


def urgency_of(wave_filter: WaveFilter):
    """The sort key a wave with this filter takes its orders in."""
    return priority_urgency if wave_filter.priority_first else urgency


def plan_wave(candidates, wave_filter: WaveFilter, limits: WaveLimits) -> WavePlan:
    """The most urgent matching orders within the wave limits, split into single and multi."""
    plan = WavePlan()
    lines = 0
    for c in sorted((c for c in candidates if wave_filter.matches(c)), key=urgency_of(wave_filter)):
        if len(plan.orders) >= limits.max_orders or lines + c.lines > limits.max_lines:
            plan.skipped += 1
            continue
        lines += c.lines
        (plan.single if c.order_type == SINGLE else plan.multi).append(c)
    return plan


@dataclass(frozen=True)
class AutoWaveRule:
    """Build a wave automatically every `every_minutes`, or as soon as `at_orders` are waiting."""

    enabled: bool = False
    every_minutes: int = 30
    at_orders: int = 200


def auto_wave_due(rule: AutoWaveRule, now: datetime, last_run: datetime | None, waiting: int) -> bool:
    """True when the automatic rule should build a wave now."""
    if not rule.enabled or waiting == 0:
        return False
    if waiting >= rule.at_orders:
        return True
    return last_run is None or now - last_run >= timedelta(minutes=rule.every_minutes)
