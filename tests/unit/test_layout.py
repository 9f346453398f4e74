"""Walking distances on hand-checkable layouts."""
import pytest
from hypothesis import given, strategies as st

from wms.picking.layout import Layout, Location, build_layout

ONE_BLOCK = build_layout(4, 1, 10.0, aisle_spacing=3.0, cross_aisle_width=2.0)
TWO_BLOCKS = build_layout(4, 2, 20.0, aisle_spacing=3.0, cross_aisle_width=2.0)


def test_cross_aisles_stack_block_lengths_and_cross_aisle_widths():
    assert ONE_BLOCK.cross_y == (0.0, 12.0)
    assert TWO_BLOCKS.cross_y == (0.0, 12.0, 24.0)


def test_a_location_sits_half_a_cross_aisle_plus_its_position_above_its_front_cross_aisle():
    assert TWO_BLOCKS.point(Location(2, 1, 4.0)) == (2, 1, 17.0)
    assert ONE_BLOCK.point(ONE_BLOCK.depot) == (0, 0, 0.0)


def test_walking_within_one_aisle_is_the_difference_in_height_even_across_blocks():
    assert TWO_BLOCKS.distance(Location(1, 0, 2.0), Location(1, 1, 3.0)) == 13.0


def test_walking_between_aisles_goes_round_the_nearer_end_of_the_block():
    near_front = ONE_BLOCK.distance(Location(0, 0, 1.0), Location(2, 0, 2.0))
    near_back = ONE_BLOCK.distance(Location(0, 0, 9.0), Location(2, 0, 8.0))
    assert near_front == 2.0 + 3.0 + 6.0
    assert near_back == 2.0 + 3.0 + 6.0


def test_walking_between_blocks_uses_the_best_pair_of_cross_aisles():
    a, b = Location(0, 0, 9.0), Location(3, 1, 1.0)  # y = 10 and y = 14: via the middle cross aisle
    assert TWO_BLOCKS.distance(a, b) == 2.0 + 9.0 + 2.0


def test_the_depot_reaches_any_location_by_a_manhattan_walk():
    loc = Location(3, 1, 5.0)
    assert TWO_BLOCKS.distance(TWO_BLOCKS.depot, loc) == 9.0 + 18.0


def test_sides_of_an_aisle_are_the_same_point_in_a_narrow_aisle():
    assert ONE_BLOCK.distance(Location(1, 0, 4.0, "L"), Location(1, 0, 4.0, "R")) == 0.0


def test_slots_are_centred_on_their_slot_length():
    layout = build_layout(10, 1, 90.0)
    assert layout.slots_in_block(0) == 90
    assert layout.slot(3, 0, 0) == Location(3, 0, 0.5)


def test_a_layout_needs_a_depot_on_one_of_its_aisles():
    with pytest.raises(ValueError):
        Layout(3, (10.0,), depot_aisle=3)


locations = st.builds(
    Location,
    aisle=st.integers(0, 3),
    block=st.integers(0, 1),
    position=st.floats(0, 10, allow_nan=False),  # TWO_BLOCKS: 10 m per block
)


@given(locations, locations, locations)
def test_distances_are_symmetric_and_obey_the_triangle_inequality(a, b, c):
    d = TWO_BLOCKS.distance
    assert d(a, b) == pytest.approx(d(b, a))
    assert d(a, c) <= d(a, b) + d(b, c) + 1e-9


def test_the_distance_matrix_is_symmetric_with_a_zero_diagonal():
    points = [TWO_BLOCKS.point(Location(a, a % 2, 3.0 * a)) for a in range(4)]
    matrix = TWO_BLOCKS.distance_matrix(points)
    assert all(matrix[i][i] == 0 for i in range(4))
    assert all(matrix[i][j] == matrix[j][i] for i in range(4) for j in range(4))


def test_xy_gives_metres_across_and_along_the_aisles():
    assert TWO_BLOCKS.xy(Location(2, 1, 4.0)) == (6.0, 17.0)
