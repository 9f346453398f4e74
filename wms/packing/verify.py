"""Pack verification (复核), carton suggestion and the weight check. Pure: stdlib only."""
from dataclasses import dataclass

WEIGHT_TOLERANCE_PCT = 10   # the scale may differ from the catalogue by this much...
WEIGHT_TOLERANCE_MIN_G = 50  # ...or by this many grams, whichever is larger
CARTON_FILL = 0.8            # items fill at most this share of a carton


class PackProblem(Exception):
    """A scan or a seal the station must refuse loudly; `code` keys the message catalogue."""

    def __init__(self, code, **values):
        super().__init__(code)
        self.code, self.values = code, values


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    qty: int
    barcodes: tuple = ()
    weight_g: int = 0
    volume_cm3: float = 0.0


@dataclass(frozen=True)
class Carton:
    code: str
    volume_cm3: float
    tare_g: int = 0
    max_weight_g: int = 0


def sku_for_barcode(items, barcode):
    """The item a scanned code belongs to (SKU code or any of its barcodes), or None."""
    code = str(barcode or "").strip()
    for item in items:
        if code == item.sku or code in item.barcodes:
            return item
    return None


def count_scan(items, verified, barcode, qty=1):
    """verified after scanning `barcode` qty times; PackProblem for a wrong item or one too many."""
    item = sku_for_barcode(items, barcode)
    if item is None:
        raise PackProblem("pack_wrong_item", scanned=str(barcode or "-"))
    done = verified.get(item.sku, 0)
    if done + qty > item.qty:
        raise PackProblem("pack_too_many", sku=item.sku, qty=item.qty)
    return {**verified, item.sku: done + qty}


def missing(items, verified):
    """{sku: qty still to scan}."""
    return {item.sku: item.qty - verified.get(item.sku, 0) for item in items if verified.get(item.sku, 0) < item.qty}


def suggest_carton(items, cartons):
    """The smallest carton the items fit in (volume with a fill margin, weight limit), else the largest."""
    volume = sum(item.volume_cm3 * item.qty for item in items)
    weight = sum(item.weight_g * item.qty for item in items)
    ordered = sorted(cartons, key=lambda c: (c.volume_cm3, c.code))
    for carton in ordered:
        if volume <= carton.volume_cm3 * CARTON_FILL and (not carton.max_weight_g or weight + carton.tare_g <= carton.max_weight_g):
            return carton
    return ordered[-1] if ordered else None


def expected_weight_g(items, carton=None):
    return sum(item.weight_g * item.qty for item in items) + (carton.tare_g if carton else 0)


def check_weight(expected_g, actual_g):
    """Raise PackProblem unless the weighed parcel is within tolerance of the expected weight."""
    if not isinstance(actual_g, int) or isinstance(actual_g, bool) or actual_g <= 0:
        raise PackProblem("pack_bad_weight")
    tolerance = max(WEIGHT_TOLERANCE_MIN_G, expected_g * WEIGHT_TOLERANCE_PCT // 100)
    if abs(actual_g - expected_g) > tolerance:
        raise PackProblem("pack_weight_off", actual=actual_g, expected=expected_g, tolerance=tolerance)
