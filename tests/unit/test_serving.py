"""wms.serving: the websocket unmask that replaces eventlet's byte-by-byte loop."""
import os

import pytest

from wms.serving import unmask


def reference(data, mask, length=None, offset=0):
    length = len(data) if length is None else length
    return bytes(data[i] ^ mask[(offset + i) % 4] for i in range(length))


@pytest.mark.parametrize("size", [0, 1, 3, 4, 5, 126, 1000, 70_000])
@pytest.mark.parametrize("offset", [0, 1, 2, 3, 6])
def test_unmask_matches_the_websocket_rule_for_every_length_and_offset(size, offset):
    data, mask = os.urandom(size), os.urandom(4)
    assert unmask(data, mask, offset=offset) == reference(data, mask, offset=offset)
    assert unmask(data + b"tail", mask, length=size, offset=offset) == reference(data, mask, offset=offset)


def test_unmasking_twice_gives_the_frame_back():
    data, mask = "拣货 SKU-0 x2".encode(), b"\x01\x7f\x80\xff"
    assert unmask(unmask(data, mask), mask) == data


def test_a_large_body_is_read_whole_with_a_yield_before_each_read(monkeypatch):
    """The upload's bytes arrive unchanged; other green threads get a turn between the reads."""
    import io

    from flask import Flask, request

    from wms import serving

    yields = []
    monkeypatch.setattr(serving.time, "sleep", lambda seconds: yields.append(seconds))
    app = Flask("cooperative")

    @app.post("/up")
    def up():
        data = request.files["file"].read()
        return {"size": len(data), "head": data[:4].decode()}

    app.wsgi_app = serving.CooperativeBodies(app.wsgi_app)
    body = b"WMS!" + bytes(range(256)) * 4096
    answer = app.test_client().post("/up", data={"file": (io.BytesIO(body), "big.csv")},
                                    content_type="multipart/form-data")
    assert answer.json == {"size": len(body), "head": "WMS!"}
    assert len(yields) >= 2 and set(yields) == {0}
    yields.clear()
    small = app.test_client().post("/up", data={"file": (io.BytesIO(b"WMS!"), "small.csv")},
                                   content_type="multipart/form-data")
    assert small.json == {"size": 4, "head": "WMS!"} and yields == []   # a small body is read as it was
