"""Who is told, after a commit, that counters moved: a registry the layers above subscribe to.

The counters sit below the features that move them and the wall that shows them sits above all of
them, so the counters cannot call the wall. The wall subscribes here instead (wms.dashboard.push,
when the app is built) and the counters only say, once per committed transaction, that something
moved: `moved(session)` queues the announcement with wms.aftercommit, so a rolled-back change tells
nobody. A subscriber is called as fn(app) and must be cheap (the wall's only sets a dirty flag).
"""
from flask import current_app, has_app_context

from wms.aftercommit import after_commit

_NOTIFIED = "wms.counters.notified"
_SUBSCRIBERS = []


def subscribe(fn):
    """Call fn(app) after every commit that moved counters (once per commit, in the committing process)."""
    if fn not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(fn)
    return fn


def moved(session):
    """Counters move in this transaction: tell the subscribers once, after it commits."""
    if session.info.get(_NOTIFIED) or not has_app_context():
        return
    session.info[_NOTIFIED] = True
    after_commit(session, announce, current_app._get_current_object())


def announce(app):
    """Tell every subscriber that counters moved (run after the commit)."""
    for fn in tuple(_SUBSCRIBERS):
        fn(app)


def reset_notified(session, *_args):
    """After a commit or a rollback (listener, wms.listeners): the next transaction announces afresh."""
    session.info.pop(_NOTIFIED, None)
