"""Chunks written by several threads (wms.imports.writers) and what the file run keeps in order
although chunks commit out of order (file_run.InFileOrder, file_run.with_rows_covered)."""
import threading

import pytest

from wms.imports import file_run, writers
from wms.imports.file_reading import CheckedChunk


def test_every_chunk_is_written_once_by_the_writer_threads(app):
    written, threads = [], set()

    def write(index, chunk):
        threads.add(threading.current_thread().name)
        written.append((index, chunk))

    writers.write_all(iter("abcdef"), write, 2)
    assert sorted(written) == list(enumerate("abcdef"))
    assert threads <= {"import-writer-0", "import-writer-1"} and threading.current_thread().name not in threads


def test_a_failed_write_stops_handing_out_chunks_and_is_raised_in_the_caller(app):
    written = []

    def write(index, chunk):
        if chunk == "c":
            raise ValueError("chunk c refused")
        written.append(chunk)

    with pytest.raises(ValueError, match="chunk c refused"):
        writers.write_all(iter("abcdefghijklmnop"), write, 2)
    assert set(written) >= {"a", "b"} and len(written) < 15


def test_a_failing_chunk_source_is_raised_after_the_writes_under_way_finish(app):
    written, a_written = [], threading.Event()

    def write(_index, chunk):
        written.append(chunk)
        a_written.set()

    def chunks():
        yield "a"
        assert a_written.wait(10)
        raise RuntimeError("the reader died")

    with pytest.raises(RuntimeError, match="the reader died"):
        writers.write_all(chunks(), write, 2)
    assert written == ["a"]


def test_one_writer_writes_in_the_calling_thread():
    names = []
    writers.write_all(iter("ab"), lambda _i, _c: names.append(threading.current_thread().name), 1)
    assert names == [threading.current_thread().name] * 2


def test_sqlite_gets_one_writer_and_postgresql_two():
    assert (writers.writer_count("sqlite"), writers.writer_count("postgresql")) == (1, 2)


def test_report_rows_are_written_in_chunk_order_whatever_order_the_chunks_commit_in():
    out = []
    in_order = file_run.InFileOrder(out.extend)
    in_order.add(1, [("row 5",)])
    in_order.add(2, [])
    assert out == []
    in_order.add(0, [("row 2",), ("row 3",)])
    in_order.add(3, [("row 9",)])
    assert out == [("row 2",), ("row 3",), ("row 5",), ("row 9",)]


def test_rows_covered_add_up_to_the_last_row_reached():
    chunks = [CheckedChunk(5, []), CheckedChunk(9, []), CheckedChunk(10, [])]
    assert [rows for _c, rows in file_run.with_rows_covered(chunks)] == [5, 4, 1]


def test_chunks_handed_over_before_the_chunk_source_fails_are_still_written(app):
    release = threading.Event()
    written = []

    def write(_index, chunk):
        assert release.wait(10)   # the writers are busy when the source fails
        written.append(chunk)

    def chunks():
        yield from ("a", "b", "c")
        release.set()
        raise RuntimeError("the reader died")

    with pytest.raises(RuntimeError, match="the reader died"):
        writers.write_all(chunks(), write, 2)
    assert sorted(written) == ["a", "b", "c"]
