"""How stock pushes reach a platform over HTTP: one kept-alive connection serves a push thread's calls
(wms.channels.http.platform_session against a sandbox served by wms.channels.sandbox.KeepAliveHandler),
the environment's proxy settings are read once when the session is made, and the sandbox keeps a
connection open only when it is safe to."""
import socket

import pytest

from wms.channels.http import platform_session
from wms.channels.jd import JdAdapter
from wms.channels.sandbox import jd as jd_sandbox

JD_SKU = "100012345602"  # seeded in the JD sandbox


@pytest.fixture
def sandbox():
    running = jd_sandbox.start_in_thread()
    yield running
    running.stop()


def test_a_push_threads_calls_ride_one_kept_alive_connection(sandbox):
    jd = JdAdapter(sandbox.base_url, jd_sandbox.DEFAULT_APP_KEY, jd_sandbox.DEFAULT_SECRET, jd_sandbox.DEFAULT_TOKEN,
                   sleep=lambda s: None)
    for qty in range(6):
        assert jd.push_stock([{"platform_sku": JD_SKU, "qty": qty}])[0]["ok"]
    pools = jd.http.get_adapter(jd.url).poolmanager.pools
    assert [(pools[key].num_connections, pools[key].num_requests) for key in pools.keys()] == [(1, 6)]
    assert sandbox.state.stock[JD_SKU] == 5


def test_the_environment_is_read_once_when_the_session_is_made(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    outside = platform_session("https://eco.taobao.com/router/rest")
    local = platform_session("http://127.0.0.1:8703/router/rest")
    assert outside.proxies.get("https") == "http://proxy.example:3128" and local.proxies == {}
    assert outside.trust_env is False  # requests no longer reads the environment on every call
    monkeypatch.setenv("HTTPS_PROXY", "http://changed.example:1")
    assert outside.proxies.get("https") == "http://proxy.example:3128"


def _exchange(conn, raw):
    """Send one raw request, read one response (its head and Content-Length body); (status line, headers, body)."""
    conn.sendall(raw)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    while len(body) < int(headers.get("content-length", 0)):
        body += conn.recv(65536)
    return lines[0], headers, body


def test_the_sandbox_keeps_a_connection_after_a_body_the_app_never_read_and_closes_when_asked(sandbox):
    host, port = sandbox.base_url.rsplit("//", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        unread = b"x" * 5000  # a 404 never reads its body: the next request must still be read as one
        status, headers, _ = _exchange(conn, b"POST /_sandbox/nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + unread)
        assert "404" in status and headers.get("connection") != "close"
        status, _, body = _exchange(conn, b"GET /_sandbox/stock HTTP/1.1\r\nHost: x\r\n\r\n")
        assert "200" in status and JD_SKU.encode() in body
        status, headers, _ = _exchange(conn, b"GET /_sandbox/stock HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert "200" in status and headers.get("connection") == "close"
        assert conn.recv(1) == b""  # closed by the server
