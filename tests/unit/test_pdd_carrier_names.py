"""Our carrier as the write-back names it (its full name, e.g. 顺丰速运) finds PDD's logistics company: without it the
platform's refusal "no logistics company" would be a permanent write-back failure for every SF parcel."""
from wms.channels.pdd_orders import logistics_id_for
from wms.channels.sandbox.pdd_seed import COMPANIES


def test_a_full_carrier_name_finds_the_company_by_the_brand_it_holds():
    assert logistics_id_for("顺丰速运", COMPANIES) == 44
    assert logistics_id_for("圆通速递", COMPANIES) == 85
    assert logistics_id_for("中通快递", COMPANIES) == 115


def test_codes_and_exact_names_still_come_first():
    assert logistics_id_for("SF", COMPANIES) == 44
    assert logistics_id_for("yunda", COMPANIES) == 121
    assert logistics_id_for("京东快递", COMPANIES) == 120


def test_an_unknown_or_unavailable_carrier_finds_nothing():
    assert logistics_id_for("Pony Express", COMPANIES) is None
    assert logistics_id_for("百世快递", COMPANIES) is None      # listed, but not available
    assert logistics_id_for("顺", COMPANIES) is None
    assert logistics_id_for("", COMPANIES) is None
