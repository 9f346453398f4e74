"""Run side effects only after the surrounding transaction committed (Saleor's rule).

Services queue a callback with `after_commit(session, fn, *args)` and finish with `commit()`:
the callbacks run once the commit succeeded and are dropped on rollback, so a socket push or a
job never announces something that did not happen. (SQLAlchemy's own after_commit event may not
emit SQL, so the event only marks callbacks ready; `commit()` or the app-context teardown runs them.)
"""

_PENDING = "wms.after_commit.pending"
_READY = "wms.after_commit.ready"


def after_commit(session, fn, *args, **kwargs):
    """Queue fn(*args, **kwargs) to run after `session` commits."""
    session.info.setdefault(_PENDING, []).append((fn, args, kwargs))


def commit(session=None):
    """Commit the session, then run the side effects it queued."""
    if session is None:
        from wms.extensions import db

        session = db.session()
    session.commit()
    run_ready(session)


def run_ready(session):
    """Run callbacks of transactions that already committed (idempotent)."""
    while session.info.get(_READY):
        fn, args, kwargs = session.info[_READY].pop(0)
        fn(*args, **kwargs)


def mark_ready(session):
    """After a commit (listener, wms.listeners): what the transaction deferred is ready to run."""
    pending = session.info.pop(_PENDING, [])
    if pending:
        session.info.setdefault(_READY, []).extend(pending)


def drop_pending(session, previous_transaction):
    """After a rollback (listener, wms.listeners): what the transaction deferred never runs."""
    session.info.pop(_PENDING, None)
