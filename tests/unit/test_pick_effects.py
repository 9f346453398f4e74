"""The effects of a pick and the one rule for the one-statement path (wms.picking.pick_effects), on
lines written by hand: the rule takes exactly the picks that add units to an open line of a task and
an order already under way, and any effect the statement does not write keeps a pick off it."""
import itertools

import pytest

from wms.picking import pick_effects as fx


def line(task="in_progress", wave="picking", order="picking", picked=1, qty=3):
    return {"task_status": task, "wave_status": wave, "order_status": order, "picked_qty": picked, "qty": qty}


def test_every_effect_has_one_name_tables_and_a_sentence():
    assert len(set(fx.NAMES)) == len(fx.EFFECTS)
    for effect in fx.EFFECTS:
        assert effect.writes and all(isinstance(t, str) and t for t in effect.writes), effect.name
        assert effect.what.strip(), effect.name
    assert fx.ONE_STATEMENT <= set(fx.NAMES) and set(fx.STARTING) <= set(fx.NAMES)


def test_a_pick_on_a_task_and_an_order_under_way_that_leaves_the_line_open_has_only_its_count_due():
    assert fx.due(line(), done=False) == (fx.PICKS_COUNTED,)
    assert fx.takes_one_statement(line(picked=1, qty=3), 1)


def test_the_first_pick_of_a_task_wave_and_order_that_closes_the_line_has_every_effect_due_in_table_order():
    first = line(task="assigned", wave="released", order="waved", picked=0, qty=1)
    assert fx.due(first, done=True) == fx.NAMES
    assert not fx.takes_one_statement(first, 1)


@pytest.mark.parametrize("task, wave, order", list(itertools.product(
    ("assigned", "in_progress"), ("released", "picking"), ("waved", "picking", "picked", "allocated"))))
def test_the_rule_takes_exactly_an_open_line_of_a_task_in_progress_on_an_order_picking(task, wave, order):
    for picked, qty, add in itertools.product(range(4), range(1, 5), range(1, 5)):
        if picked >= qty:
            continue
        expected = task == "in_progress" and order == "picking" and picked + add < qty
        assert fx.takes_one_statement(line(task, wave, order, picked, qty), add) is expected, (picked, qty, add)


def test_a_closing_pick_never_takes_the_one_statement_because_its_order_and_task_may_finish():
    closing = line(picked=2, qty=3)
    assert {fx.ORDER_PICKED, fx.TASK_FINISHED} <= set(fx.due(closing, done=fx.closes_line(closing, 1)))
    assert not fx.takes_one_statement(closing, 1)


def test_an_effect_the_statement_does_not_write_keeps_every_pick_it_is_due_for_off_the_one_statement():
    audit = fx.Effect("pick_audited", lambda line, done: True, ("pick_audit",), (), "an audit row per pick")
    more = fx.EFFECTS + (audit,)
    assert fx.takes_one_statement(line(), 1)
    assert not fx.takes_one_statement(line(), 1, effects=more)
    assert fx.takes_one_statement(line(), 1, effects=more, one_statement=fx.ONE_STATEMENT | {"pick_audited"})


def test_a_short_pick_starts_what_a_first_pick_starts_and_nothing_else():
    assert fx.starting(line(task="assigned", wave="released", order="waved")) == fx.STARTING
    assert fx.starting(line(task="assigned", wave="picking", order="picking")) == (fx.TASK_STARTED,)
    assert fx.starting(line()) == ()


def test_the_tables_and_events_of_named_effects_are_their_union():
    assert fx.writes_of([fx.PICKS_COUNTED, fx.TASK_STARTED]) == {"wall_pick_buckets", "pick_tasks"}
    assert fx.publishes_of([fx.PICKS_COUNTED]) == set()
    assert "task.finished" in fx.publishes_of([fx.TASK_FINISHED])


def test_the_statuses_the_rule_reads_are_the_picking_models_own():
    from wms.picking import models

    assert (fx.TASK_ASSIGNED, fx.TASK_IN_PROGRESS, fx.WAVE_RELEASED) == (
        models.TASK_ASSIGNED, models.TASK_IN_PROGRESS, models.WAVE_RELEASED)
