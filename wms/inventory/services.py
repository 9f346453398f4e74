"""The inventory use cases, by concept (each function owns its transaction):

- allocating.py    allocate_orders, retry_backorders (the run; allocation_group.py its group's reads and
                   writes, allocation_splits.py the automatic split)
- allocation_settings.py  get_allocation_settings, set_allocation_settings
- counts.py        count tasks: a short pick's missing units out of the bin, the count that settles them
- reservations.py  release_reservation, consume_reservation, reservations_for, warehouse_of
- stock.py         receive_stock, adjust_stock, count_bin, the ledger, stock reads
- warehouses.py    warehouses, distances, bins and layout, the demo warehouses
- locks.py         the one locking order every stock change follows
- presales.py      presales held out of allocation until their ship-from time (or stock), then released

This module re-exports them so callers keep using `wms.inventory.services.<name>` (jobs are
enqueued by that dotted path).
"""
from wms.inventory.allocating import allocate_orders, retry_backorders, shortage_text  # noqa: F401
from wms.inventory.allocation_settings import get_allocation_settings, set_allocation_settings  # noqa: F401
from wms.inventory.counts import (  # noqa: F401
    count_task_for_scan, open_count_tasks, relocate_reservation, settle_count, take_out_missing)
from wms.inventory.presales import (  # noqa: F401
    count_waiting, hold_presales, presale_waiting, release_presales, set_presale_release)
from wms.inventory.reservations import (  # noqa: F401
    consume_reservation, release_reservation, reservations_for, warehouse_of)
from wms.inventory.stock import (  # noqa: F401
    MAX_QTY, adjust_stock, available, count_bin, find_stock, recent_movements, receive_stock, recompute_on_hand,
    resolve_scan)
from wms.inventory.warehouses import (  # noqa: F401
    WAREHOUSE_FIELDS, count_bins, find_bins, generate_demo_layout, get_warehouse, import_layout, list_warehouses,
    save_warehouse, seed_demo_warehouses, set_distance)
