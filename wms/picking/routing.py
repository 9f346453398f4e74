"""Picker routing: the order in which to visit a set of pick locations, from the depot and back.

``route(layout, locations, method)`` returns a ``Route``: the distinct locations in visiting order and
the walked length in metres.

- ``exact`` minimises the tour length exactly: the dynamic programme of Ratliff & Rosenthal (1983) for
  one block, generalised to several cross aisles as by Roodbergen & de Koster (2001). It sweeps the
  aisles left to right. Within a sub-aisle an optimal tour uses one of six edge patterns (none,
  traverse, traverse twice, up from the front and back, down from the back and back, in from both
  ends leaving the largest gap); on a cross-aisle segment it uses 0, 1 or 2 copies. A state records,
  for the sweep line's vertex on each cross aisle, whether its degree is zero, even or odd and which of
  them are already connected (RR's 7 classes for one block, 25 for two). The state tables are built
  once per block count, so a call is a walk over small integer arrays: O(aisles x blocks x states),
  plus O(p log p) to sort the picks. The order is read off an Euler circuit of the chosen edges, so
  walking it costs exactly the DP length.
- ``s_shape``, ``return``, ``midpoint``, ``largest_gap``, ``combined``: the classic heuristics in
  their multi-block form (Roodbergen & de Koster 2001, "Routing methods for warehouses with multiple
  cross aisles"): go up the leftmost pick aisle to the farthest block with picks, serve the blocks from
  far to near with the heuristic's rule, and go back to the depot. The length is what the rule walks.
  With one block they are the textbook single-block heuristics.
- ``multiblock``: every classic tour and nearest neighbour, each improved by 2-opt and Or-opt over the
  shortest-path distance matrix; the best wins. O(p^2) per improvement pass.
- ``best``: ``exact`` up to ``EXACT_MAX_BLOCKS`` blocks, ``multiblock`` beyond.

``held_karp(dist)`` is the exact O(2^n n^2) TSP, the reference for small pick lists.
"""
from dataclasses import dataclass
from typing import Iterable, Sequence

from wms.picking import blocks as _blocks
from wms.picking.layout import Layout, Location
