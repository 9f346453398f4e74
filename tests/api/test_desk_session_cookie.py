"""A page's background JSON read never rewrites the session cookie (its answer, arriving after a form post's,
would put back the cookie without the post's flash message); pages and posts still slide it."""


def _sets_cookie(response):
    return any(header.startswith("session=") for header in response.headers.getlist("Set-Cookie"))


def test_a_json_read_sends_no_session_cookie_and_a_page_does(client, login):
    login("reviewer")

    poll = client.get("/api/review/queue", headers={"Accept": "application/json"})
    page = client.get("/review/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})

    assert poll.status_code == 200 and not _sets_cookie(poll)
    assert page.status_code == 200 and _sets_cookie(page)


def test_a_flash_survives_a_poll_answered_after_the_post(client, login):
    login("reviewer")
    client.get("/review/")
    before_post = client.get_cookie("session").value
    client.post("/review/bulk-approve", data={"order_ids": []})   # flashes "Approved 0, skipped 0"
    after_post = client.get_cookie("session").value
    assert after_post != before_post

    poll = client.get("/api/review/queue", headers={"Accept": "application/json"})
    assert not _sets_cookie(poll)
    assert client.get_cookie("session").value == after_post
    assert "Approved 0, skipped 0" in client.get("/review/").get_data(as_text=True)
