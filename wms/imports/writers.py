"""Write a file's chunks on more than one database connection at a time (PostgreSQL).

One connection makes the import a relay: the server waits while this process formats the next
COPY, and this process waits while the server stores it. With two connections one chunk's rows are
being stored while the next chunk's are formatted and sent, and PostgreSQL's two backends use both
cores. Each writer is a thread with an app context of its own - its own session, connection and
transaction - and each chunk stays one transaction, so everything that made one chunk safe still
holds: an order is never half-imported, and the unique (channel, external id) key with
services.write_chunk's retry keeps a re-import (or two chunks racing) from duplicating an order.

SQLite has one writer at a time: there the chunks are written in the calling thread, as before.
"""
import contextvars
import queue
import threading

from flask import current_app

from wms.extensions import db

POSTGRESQL_WRITERS = 2
_DONE = object()


def writer_count(dialect_name):
    """How many connections write a file's chunks at once."""
    return POSTGRESQL_WRITERS if dialect_name == "postgresql" else 1


def write_all(chunks, write, count):
    """Call write(index, chunk) for each chunk, on `count` threads (or in this thread when 1).

    The first exception - from the chunks iterator or from a write - stops handing out chunks and is
    raised here once the writers stopped. A failed write drops the chunks still waiting in the
    hand-over queue (the writes under way commit or roll back whole); a failing iterator (the reader
    died) lets the chunks it handed over before be written, as one writer would have written them.
    At most `count` chunks wait in the hand-over queue, so memory stays bounded.
    """
    if count <= 1:
        for index, chunk in enumerate(chunks):
            write(index, chunk)
        return
    app = current_app._get_current_object()
    handover = queue.Queue(maxsize=count)
    failures = []
    stop = threading.Event()

    def run():
        with app.app_context():
            try:
                while (item := handover.get()) is not _DONE:
                    if stop.is_set():
                        continue   # a write failed: what is still handed over is dropped
                    try:
                        write(*item)
                    except BaseException as error:  # noqa: B902 - raised again in the calling thread
                        failures.append(error)
                        stop.set()
                        db.session.rollback()
            finally:
                db.session.remove()

    # each thread runs in a copy of the caller's context: what the caller set in context variables
    # (wms.worker.jobs_run_inline: the command line runs the review jobs itself) holds in the writers too
    threads = [threading.Thread(target=contextvars.copy_context().run, args=(run,), name=f"import-writer-{n}",
                                daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    try:
        for index, chunk in enumerate(chunks):
            if not _hand_over(handover, (index, chunk), stop):
                break
    except BaseException as error:  # noqa: B902 - the chunks handed over before it are still written
        failures.insert(0, error)
    finally:
        for _ in threads:
            handover.put(_DONE)
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]


def _hand_over(handover, item, stop):
    """Put item in the queue unless the writers stopped (then False); never blocks for good."""
    while not stop.is_set():
        try:
            handover.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False
