"""The handheld's outbox (static/handheld/outbox.js) in the browser: an answer that says "later"
(rate_limited, server_busy) keeps the event, waits what the server said (backing off) and resends
from it, one event first; the events are then answered once each and nothing is rolled back."""

REPLAY = """async ({ first, retryAfter }) => {
  const db = await import("/static/handheld/db.js");
  const outbox = await import("/static/handheld/outbox.js");
  await db.setMeta("device", "HH-E2E");
  for (let n = 1; n <= 3; n += 1) await outbox.record({ kind: "pick", task_id: 1, line_id: n, qty: 1 });
  const sends = [];
  const send = async (events) => {
    sends.push({ at: performance.now(), uuids: events.map((e) => e.uuid) });
    if (sends.length === 1) {  // the first event goes; the others are over the limit
      return events.map((e, k) => (k === 0 ? { uuid: e.uuid, status: "accepted", code: "picked" }
        : { uuid: e.uuid, status: "rejected", code: first, retry_after: retryAfter }));
    }
    return events.map((e) => ({ uuid: e.uuid, status: "accepted", code: "picked" }));
  };
  const answered = [];
  await outbox.flush(send, async (entry, answer) => { answered.push([entry.line_id, answer.status]); });
  return { sends, answered, left: await outbox.count() };
}"""


def test_a_rate_limited_replay_waits_what_the_server_said_and_resends_from_the_refused_event_one_first(new_context):
    page = new_context().new_page()
    page.goto("/static/handheld/outbox.js")  # this site's origin, for IndexedDB and the module imports
    result = page.evaluate(REPLAY, {"first": "rate_limited", "retryAfter": 0.8})
    first, second, third = result["sends"]
    assert len(first["uuids"]) == 3
    assert second["uuids"] == first["uuids"][1:2] and third["uuids"] == first["uuids"][2:]  # one first, then two
    assert second["at"] - first["at"] >= 800
    assert result["answered"] == [[1, "accepted"], [2, "accepted"], [3, "accepted"]]
    assert result["left"] == 0


def test_a_busy_server_is_retried_after_a_backoff_and_the_event_is_not_dropped(new_context):
    page = new_context().new_page()
    page.goto("/static/handheld/outbox.js")
    result = page.evaluate(REPLAY, {"first": "server_busy", "retryAfter": 0})
    first, second = result["sends"][:2]
    assert second["uuids"] == first["uuids"][1:2] and second["at"] - first["at"] >= 500  # the smallest backoff
    assert [status for _line, status in result["answered"]] == ["accepted"] * 3


def test_the_backoff_grows_from_half_a_second_to_thirty_and_honours_a_longer_wait(new_context):
    page = new_context().new_page()
    page.goto("/static/handheld/outbox.js")
    delays = page.evaluate("""async () => {
      const { retryDelay } = await import("/static/handheld/outbox.js");
      const none = () => 0;
      let wait = 0;
      const grown = [];
      for (let n = 0; n < 8; n += 1) { wait = retryDelay({ code: "rate_limited" }, wait, none); grown.push(wait); }
      return { grown, told: retryDelay({ retry_after: 4 }, 0, none), jitter: retryDelay({}, 0, () => 1) };
    }""")
    assert delays["grown"] == [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]
    assert delays["told"] == 4000 and delays["jitter"] == 600
