"""The supervisor's background jobs page shows the jobs that are stuck (waiting or running longer
than they should) above the list, and a retry pushes one again now."""
from datetime import timedelta

from tests.builders_admin import log_in_as, make_users
from wms.extensions import db
from wms.outbox_sweep import requeue_after
from wms.timeutil import utcnow
from wms.worker import QueuedJob

RAN = []


def now_it_runs(value):
    RAN.append(value)


def job(status, age, **fields):
    at = utcnow() - age
    row = QueuedJob(func=f"{__name__}.now_it_runs", args=[status], status=status, created_at=at, enqueued_at=at,
                    **fields)
    db.session.add(row)
    db.session.commit()
    return row


def page(client):
    return client.get("/admin/jobs").get_data(as_text=True)


def stuck_section(html):
    return html[html.index('id="stuck-jobs"'):html.index("</section>", html.index('id="stuck-jobs"'))]


def test_a_supervisor_sees_the_jobs_waiting_too_long_and_a_retry_runs_one(client, app):
    RAN.clear()
    log_in_as(client, make_users("supervisor", 1)[0])
    late = job("enqueued", requeue_after() + timedelta(seconds=5))
    recent = job("enqueued", timedelta(seconds=1))
    html = page(client)
    section = stuck_section(html)
    assert f"<td>{late.id}</td>" in section and f"<td>{recent.id}</td>" not in section
    assert f"/admin/jobs/{late.id}/retry" in section
    assert client.post(f"/admin/jobs/{late.id}/retry").status_code == 302
    db.session.expire_all()
    assert db.session.get(QueuedJob, late.id).status == "done" and RAN == ["enqueued"]
    assert 'id="stuck-jobs"' not in page(client)


def test_a_job_running_for_a_worker_that_is_gone_is_shown_stuck_and_one_still_running_is_not(client, app):
    log_in_as(client, make_users("supervisor", 1)[0])
    gone = job("running", timedelta(hours=2), queue="labels", started_at=utcnow() - timedelta(hours=2))
    busy = job("running", timedelta(minutes=2), queue="labels", started_at=utcnow() - timedelta(minutes=1))
    section = stuck_section(page(client))
    assert f"<td>{gone.id}</td>" in section and f"<td>{busy.id}</td>" not in section


def test_a_retry_of_a_job_that_is_neither_failed_nor_stuck_is_refused_and_changes_nothing(client, app):
    RAN.clear()
    log_in_as(client, make_users("supervisor", 1)[0])
    recent = job("enqueued", timedelta(seconds=1))
    answer = client.post(f"/admin/jobs/{recent.id}/retry", follow_redirects=True)
    assert "Only a failed or stuck job can be retried" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QueuedJob, recent.id).status == "enqueued" and RAN == []
    assert "No such job" in client.post("/admin/jobs/999999/retry", follow_redirects=True).get_data(as_text=True)


def test_a_failed_job_says_when_it_runs_again_or_that_it_waits_for_a_person(client, app):
    log_in_as(client, make_users("supervisor", 1)[0])
    job("failed", timedelta(minutes=1), retry_at=utcnow() + timedelta(minutes=5), attempts=1, last_error="boom")
    job("failed", timedelta(minutes=1), attempts=4, last_error="boom")
    html = page(client)
    assert "when someone retries" in html and 'id="stuck-jobs"' not in html


def test_a_packer_cannot_retry_a_job(client, app):
    log_in_as(client, make_users("packer", 1)[0])
    late = job("enqueued", requeue_after() + timedelta(seconds=5))
    assert client.post(f"/admin/jobs/{late.id}/retry").status_code in (302, 403)
    db.session.expire_all()
    assert db.session.get(QueuedJob, late.id).status == "enqueued"


def test_jobs_are_named_in_words_with_their_path_beside(client, app):
    log_in_as(client, make_users("supervisor", 1)[0])
    db.session.add(QueuedJob(func="wms.shipping.jobs.request_waybill", args=[1], status="done"))
    db.session.commit()
    html = page(client)
    assert "Waybill for a parcel" in html and "wms.shipping.jobs.request_waybill" in html
