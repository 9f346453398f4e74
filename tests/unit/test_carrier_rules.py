"""Carrier choice by buyer's choice, region, weight, cost and cut-off."""
from datetime import datetime

from wms.shipping.rules import CarrierOption, Shipment, choose, cost_cents

TZ = "Asia/Shanghai"
MORNING = datetime(2026, 11, 22, 2, 0)   # 10:00 local
EVENING = datetime(2026, 11, 22, 11, 0)  # 19:00 local
SF = CarrierOption("SF", base_cents=1200, per_kg_cents=500, cutoffs=("18:00",))
ZTO = CarrierOption("ZTO", base_cents=500, per_kg_cents=200, cutoffs=("16:00",), excluded=("西藏自治区",))
EMS = CarrierOption("EMS", base_cents=900, per_kg_cents=300, cutoffs=("20:00",), max_weight_g=30000)
BIG = CarrierOption("BIG", base_cents=3000, per_kg_cents=100, regions=("浙江省", "上海市"))


def test_cost_is_base_for_the_first_kilogram_and_per_kg_for_each_further_started_one():
    assert cost_cents(SF, 800) == 1200
    assert cost_cents(SF, 1000) == 1200
    assert cost_cents(SF, 1001) == 1700


def test_buyers_choice_wins_when_that_carrier_can_take_it():
    choice = choose(Shipment("浙江省", 500, buyer_choice="SF"), [SF, ZTO, EMS], MORNING, TZ)
    assert (choice.code, choice.reason) == ("SF", "buyer's choice")


def test_buyers_choice_that_cannot_take_it_falls_back_to_the_rules_and_says_why():
    choice = choose(Shipment("浙江省", 40000, buyer_choice="EMS"), [SF, ZTO, EMS], MORNING, TZ)
    assert choice.code == "ZTO"
    assert "EMS over 30000 g" in choice.reason


def test_the_cheapest_carrier_that_still_ships_today_wins():
    assert choose(Shipment("浙江省", 500), [SF, ZTO, EMS], MORNING, TZ).code == "ZTO"


def test_after_a_carriers_cutoff_a_carrier_still_shipping_today_beats_a_cheaper_one():
    # 19:00: ZTO (16:00) and SF (18:00) have left; EMS (20:00) still ships today.
    choice = choose(Shipment("浙江省", 500), [SF, ZTO, EMS], EVENING, TZ)
    assert choice.code == "EMS" and "still ships today" in choice.reason


def test_destination_region_limits_the_carriers():
    assert choose(Shipment("西藏自治区", 500), [ZTO, EMS], MORNING, TZ).code == "EMS"
    assert choose(Shipment("广东省", 500), [BIG], MORNING, TZ).code is None


def test_weight_limit_excludes_a_carrier():
    assert choose(Shipment("浙江省", 35000), [EMS, SF], MORNING, TZ).code == "SF"


def test_no_carrier_is_a_clear_answer():
    choice = choose(Shipment("广东省", 500), [], MORNING, TZ)
    assert choice.code is None and "no carrier serves 广东省" in choice.reason


def test_inactive_carriers_are_never_chosen():
    inactive = CarrierOption("ZTO", base_cents=1, active=False)
    assert choose(Shipment("浙江省", 500), [inactive, SF], MORNING, TZ).code == "SF"
