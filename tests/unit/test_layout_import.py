"""Layout CSV parsing and the demo layout generator."""
from wms.inventory.demo_layout import aisle_letters, bay_position, generate
from wms.inventory.layout_import import parse_layout
from wms.picking.layout import build_layout

HEADER = "zone,code,barcode,aisle,block,position_m,side,level\n"


def test_good_rows_become_bins_with_zero_based_aisle_and_block():
    specs, errors = parse_layout(HEADER + "A,A-01-01-1,LOC001,1,2,0.5,r,2\n", n_aisles=10, block_lengths=(20, 20))
    assert errors == []
    spec = specs[0]
    assert (spec.code, spec.barcode, spec.aisle, spec.block, spec.position_m, spec.side, spec.level, spec.zone) == \
        ("A-01-01-1", "LOC001", 0, 1, 0.5, "R", 2, "A")


def test_every_bad_row_is_reported_with_its_row_and_field_and_nothing_is_returned():
    text = HEADER + ("A,A-01-01-1,LOC001,1,1,0.5,L,1\n"
                     "A,A-01-01-2,LOC002,11,1,0.5,L,1\n"      # aisle beyond the warehouse
                     "A,A-01-01-3,LOC003,1,1,25,X,1\n"        # past the block end, bad side
                     "A,A-01-01-1,LOC001,1,1,1,L,1\n"         # duplicate code and barcode
                     "A,,LOC005,one,1,1,L,1\n")
    specs, errors = parse_layout(text, n_aisles=10, block_lengths=(20,))
    assert specs == []
    assert {(e.row, e.field) for e in errors} == {
        (3, "aisle"), (4, "position_m"), (4, "side"), (5, "code"), (5, "barcode"), (6, "code"), (6, "aisle")}
    assert any(e.message == "duplicate of row 2" for e in errors)


def test_a_missing_required_column_is_one_clear_error():
    specs, errors = parse_layout("code,aisle\nA,1\n", n_aisles=3, block_lengths=(10,))
    assert specs == [] and {e.field for e in errors} == {"barcode", "position_m"}


def test_an_empty_file_is_an_error():
    assert parse_layout(HEADER, 3, (10,))[1][0].message == "the file has no rows"
    assert parse_layout("", 3, (10,))[1]


def test_aisle_letters_go_on_like_spreadsheet_columns():
    assert [aisle_letters(i) for i in (0, 2, 25, 26, 27)] == ["A", "C", "Z", "AA", "AB"]


def test_bays_face_each_other_and_fill_block_after_block():
    assert bay_position(1, 5, 2.0) == (0, 1.0, "L")
    assert bay_position(2, 5, 2.0) == (0, 1.0, "R")
    assert bay_position(11, 5, 2.0) == (1, 1.0, "L")


def test_demo_layout_bins_fit_the_picking_layout():
    specs = generate("HZ1", n_aisles=12, n_blocks=2, aisle_length=40.0, bay_length=2.0, levels=3)
    layout = build_layout(12, 2, 40.0, slot_length=2.0)
    assert len(specs) == 12 * 20 * 2 * 3  # aisles x bays per side x sides x levels
    assert len({s.barcode for s in specs}) == len(specs)
    assert specs[0].code == "A-01-01-1" and specs[0].barcode == "HZ1-A-01-01-1"
    for spec in specs:
        assert 0 <= spec.aisle < layout.n_aisles and 0 <= spec.block < layout.n_blocks
        assert 0 < spec.position_m < layout.block_lengths[spec.block]
    assert layout.slot(0, 0, 0).position == specs[0].position_m
