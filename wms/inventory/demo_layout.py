"""The demo warehouse's bins: parallel aisles, one or two blocks, bays on both sides. Pure: stdlib only.

Positions follow wms.picking.layout: `aisle` and `block` are 0-based indexes, `position_m` is metres
from the start of the block's storage to the middle of the bay. Bays are numbered along the aisle
from the front like house numbers: odd bays on the left (L), even bays on the right (R), so bays
1 and 2 face each other. A bin code reads aisle-bay-level-slot, e.g. A-03-02-1.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class BinSpec:
    """One bin to create: its code, barcode and where it is."""

    code: str
    barcode: str
    aisle: int
    block: int
    position_m: float
    side: str
    level: int
    bay: int
    slot: int
    zone: str = ""


def aisle_letters(index):
    """0 -> A, 25 -> Z, 26 -> AA (spreadsheet column style)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def bin_code(aisle, bay, level, slot):
    """The printed code of a bin: aisle letter(s), bay, level, slot (A-03-02-1)."""
    return f"{aisle_letters(aisle)}-{bay:02d}-{level:02d}-{slot}"


def bay_position(bay, bays_per_side_per_block, bay_length):
    """(block, position_m, side) of a 1-based bay number along an aisle."""
    pair = (bay - 1) // 2
    block, index = divmod(pair, bays_per_side_per_block)
    return block, round((index + 0.5) * bay_length, 3), "L" if bay % 2 else "R"


def generate(warehouse_code, n_aisles=12, n_blocks=1, aisle_length=30.0, bay_length=2.0,
             levels=3, slots=1, zone="A"):
    """Every bin of a rectangular warehouse, aisle by aisle, front to back."""
    if not 1 <= n_aisles <= 200 or n_blocks not in (1, 2, 3) or levels < 1 or slots < 1:
        raise ValueError("1-200 aisles, 1-3 blocks, at least one level and one slot")
    per_side = int((aisle_length / n_blocks) // bay_length)
    if per_side < 1:
        raise ValueError("the aisle is shorter than one bay per block")
    specs = []
    for aisle in range(n_aisles):
        for bay in range(1, 2 * per_side * n_blocks + 1):
            block, position, side = bay_position(bay, per_side, bay_length)
            for level in range(1, levels + 1):
                for slot in range(1, slots + 1):
                    code = bin_code(aisle, bay, level, slot)
                    specs.append(BinSpec(code, f"{warehouse_code}-{code}", aisle, block, position, side,
                                         level, bay, slot, zone))
    return specs
