"""Wall arithmetic: pure, hand-checkable."""
from datetime import datetime, timedelta

from wms.dashboard import metrics

NOW = datetime(2026, 11, 22, 6, 30, 20)


def test_pick_rates_keep_the_last_sixty_minutes_only():
    buckets = [(NOW.replace(second=0) - timedelta(minutes=59), 1, 5, 2), (NOW.replace(second=0), 2, 7, 3),
               (NOW.replace(second=0) - timedelta(minutes=60), 1, 100, 100)]
    rates = metrics.pick_rates(buckets, NOW, {1: "Li", 2: "Wang"})
    assert (rates["units"], rates["lines"]) == (12, 5)
    assert [p["name"] for p in rates["pickers"]] == ["Wang", "Li"]
    assert rates["series"][0] == 5 and rates["series"][-1] == 7 and sum(rates["series"]) == 12


def test_a_near_cut_off_with_orders_waiting_is_critical_and_an_empty_one_is_ok():
    open_counts = metrics.open_by_carrier({"picked|sf": 3, "labelled|sf": 1, "shipped|sf": 9, "picked|yto": 0})
    board = metrics.cutoff_board([("sf", "SF", NOW + timedelta(minutes=20)), ("yto", "YTO", NOW + timedelta(minutes=5)),
                                  ("zto", "ZTO", NOW + timedelta(minutes=90)), ("ems", "EMS", None)],
                                 {**open_counts, "zto": {"to_pick": 2}}, NOW)
    levels = {row["carrier"]: (row["level"], row["open"]) for row in board}
    assert levels == {"sf": ("critical", 4), "yto": ("ok", 0), "zto": ("at_risk", 2)}
    assert board[0]["carrier"] == "yto"  # soonest first

