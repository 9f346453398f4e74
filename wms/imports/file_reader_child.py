"""Run a file's reading (wms.imports.file_reading) in a child process, streaming its checked chunks.

Parsing, mapping and validating a file costs more CPU than writing it, and in one process the GIL
lets a reader thread and the writer barely overlap; a child process gives the reader a core of
its own while the job's process writes the chunk before. The child is forked (it starts at once,
with the code already imported) and touches nothing of the parent's: no app, session or
database connection - it reads the file(s) and sends plain data down a pipe. The pipe holds one
message, so the child is never more than one chunk ahead: memory stays bounded however big the
file is.

The parent sees the child's outcome as the in-process reader would raise it: a file that cannot be
read is a ValidationFailed with the same message; anything else - a crash in the child, or a child
that died (killed, out of memory) - is a ReaderFailed. Closing the stream (always, in a finally)
stops the child and reaps it, also when the writing side failed first.
"""
import gc
import logging
import multiprocessing
import queue
import threading
import traceback

from wms.errors import ValidationFailed
from wms.imports import chunk_wire
from wms.imports.file_reading import read_checked

log = logging.getLogger(__name__)

STOP_WAIT_SECONDS = 5    # how long a stopped child may take to notice before it is terminated


class ReaderFailed(Exception):
    """The file's reader stopped without a verdict on the file (a bug, or the process died)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def open_reader(spec):
    """The checked chunks of a file: read in a forked child process where forking is safe, else
    in this thread. Forking is safe from a single-threaded process only: a fork copies the locks
    other threads hold (SQLite's allocator mutex, which a separate lines file's spool needs, has
    hung a forked child that way) and nothing ever releases them. The rq work-horse, the bench and
    the CLI are single-threaded; a daemonic process may not have children at all."""
    if ("fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
            and not multiprocessing.current_process().daemon):
        return ReaderProcess(spec)
    return InlineReader(spec)


class InlineReader:
    """The same stream read in the calling thread (no overlap with the writes)."""

    def __init__(self, spec):
        self._chunks = read_checked(spec)
        self.unclaimed = None

    def __iter__(self):
        self.unclaimed = yield from self._chunks

    def close(self):
        self._chunks.close()


class ReaderProcess:
    """Iterate for CheckedChunks; after the last one, `unclaimed` holds the separate lines file's
    orphan lines. Always `close()`.

    A thread of this process receives (unpickles and unpacks: wms.imports.chunk_wire) the next
    chunk while this one waits for the database with the GIL released: receiving is then off the
    writer's path too. It holds at most one chunk besides the one being written.
    """

    def __init__(self, spec):
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(spec, sender, self._receiver),
                                       name="import-reader", daemon=True)
        self.process.start()
        sender.close()   # the child holds the only write end: its exit is our EOF
        self.unclaimed = None
        self._ahead = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._receiving = threading.Thread(target=self._receive, name="import-receiver", daemon=True)
        self._receiving.start()   # after the fork: the child is forked from a single thread

    def _receive(self):
        """Move messages from the pipe to `_ahead` until the last one, EOF, or close()."""
        while not self._stop.is_set():
            try:
                message = self._receiver.recv()
            except (EOFError, OSError):
                message = ("eof",)
            if message[0] == "chunk":
                try:
                    message = ("chunk", chunk_wire.unpack(message[1]))
                except Exception as error:  # noqa: B902 - told to the writer, as the child's own crash
                    message = ("crash", f"{type(error).__name__}: {error}", traceback.format_exc())
            while not self._stop.is_set():
                try:
                    self._ahead.put(message, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if message[0] != "chunk":
                return

    def __iter__(self):
        while True:
            message = self._ahead.get()
            kind = message[0]
            if kind == "chunk":
                yield message[1]
            elif kind == "end":
                self.unclaimed = message[1]
                return
            elif kind == "eof":
                self.process.join(STOP_WAIT_SECONDS)
                raise ReaderFailed(f"The file reader process stopped unexpectedly "
                                   f"(exit code {self.process.exitcode}); nothing after the last "
                                   f"imported chunk was imported.")
            elif kind == "invalid":
                _kind, text, details = message
                raise ValidationFailed(text, **details)
            else:
                _kind, text, trace = message
                log.error("import reader process failed: %s\n%s", text, trace)
                raise ReaderFailed(f"Reading the file failed: {text}")

    def close(self):
        """Stop receiving, stop the child (closing the pipe breaks its next send) and reap both."""
        self._stop.set()
        self._receiving.join(STOP_WAIT_SECONDS)   # it is waiting for the child's next chunk at most
        process = self.process
        if self._receiving.is_alive():            # a child that neither sends nor exits
            process.terminate()
            self._receiving.join()
        self._receiver.close()
        process.join(STOP_WAIT_SECONDS)
        if process.is_alive():
            process.terminate()
            process.join(STOP_WAIT_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()


def _serve(spec, sender, inherited_receiver):
    """The child: send ("chunk", packed CheckedChunk)... then ("end", unclaimed) or how reading failed."""
    inherited_receiver.close()   # the parent's end: while it is open here too, a parent that stops
    #                              listening would leave this child blocked in send() forever
    gc.freeze()   # what was inherited from the parent (its app, pools, connections) is never collected here
    chunks = read_checked(spec)
    try:
        while True:
            try:
                chunk = next(chunks)
            except StopIteration as end:
                sender.send(("end", end.value))
                return
            sender.send(("chunk", chunk_wire.pack(chunk)))
    except (BrokenPipeError, ConnectionResetError):
        return   # the job stopped listening (it failed, or was stopped): nothing left to do
    except ValidationFailed as error:
        _tell(sender, ("invalid", error.message, error.details))
    except BaseException as error:  # noqa: B902 - whatever it was, the parent must hear it
        _tell(sender, ("crash", f"{type(error).__name__}: {error}", traceback.format_exc()))
    finally:
        chunks.close()   # a separate lines file's spool is deleted even when the job stopped listening
        sender.close()


def _tell(sender, message):
    try:
        sender.send(message)
    except (BrokenPipeError, ConnectionResetError):
        pass
