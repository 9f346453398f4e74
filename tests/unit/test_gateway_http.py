"""The HTTP etiquette every adapter keeps with its platform (wms.channels.gateway_http): what is sent again and
after how long, when it gives up, and how its refusals name the platform in each language."""
import pytest
import requests

from wms.channels.base import ChannelError, ChannelUnavailable
from wms.channels.gateway_http import TryAgain, call, call_json
from wms.i18n import render
from wms.wording import wording


class Answer:
    """A response as the adapters read it: a status, a JSON body (None: not JSON)."""

    def __init__(self, status=200, body=None):
        self.status_code, self.body = status, body

    def json(self):
        if self.body is None:
            raise ValueError("Expecting value: line 1 column 1 (char 0)")
        return self.body


def sender(*answers):
    """send() answering (or raising) `answers` in turn, and the list that counts its calls."""
    queue, sent = list(answers), []

    def send():
        sent.append(len(sent) + 1)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return send, sent


def said(error, locale):
    return render(wording(error.template, **error.values), locale)


def test_network_errors_and_5xx_are_sent_again_after_the_back_off_and_the_answer_is_read():
    slept = []
    send, sent = sender(requests.ConnectionError("refused"), Answer(503), Answer(body={"ok": True}))
    read = call_json(send, lambda payload, status: (payload, status), partner="Taobao", attempts=5, sleep=slept.append)
    assert read == ({"ok": True}, 200) and slept == [0.5, 1.0] and sent == [1, 2, 3]


def test_a_platform_that_never_answers_is_unavailable_after_the_last_attempt_its_error_cut_short():
    slept = []
    send, sent = sender(*[requests.Timeout("x" * 500)] * 3)
    with pytest.raises(ChannelUnavailable) as caught:
        call_json(send, lambda payload, status: payload, partner="JD", attempts=3, sleep=slept.append, error_chars=300)
    assert caught.value.message == "JD did not answer: " + "x" * 300
    assert slept == [0.5, 1.0] and sent == [1, 2, 3]


def test_a_429_is_sent_again_only_for_a_platform_that_asks_and_after_the_wait_it_asks_for():
    send, sent = sender(Answer(429, body={"error_response": {}}))
    assert call_json(send, lambda payload, status: status, partner="Taobao", attempts=3, sleep=None) == 429
    slept = []
    send, sent = sender(Answer(429), Answer(500), Answer(429))
    with pytest.raises(ChannelUnavailable) as caught:
        call(send, lambda response: response, partner="Shopify", attempts=3, sleep=slept.append, also_retried=(429,),
             asked_wait=lambda response: 7.0 if response.status_code == 429 else None)
    assert caught.value.message == "Shopify kept answering 429 after 3 attempts"
    assert caught.value.details == {"http_status": 429} and slept == [7.0, 1.0] and sent == [1, 2, 3]


def test_an_answer_the_platform_asks_to_have_again_takes_an_attempt_of_the_same_count():
    slept = []
    send, sent = sender(Answer(502), Answer(body={"code": 7}), Answer(body={"code": 7}))

    def read(payload, status):
        raise TryAgain(f"{payload['code']} App Call Limited", {"top_code": payload["code"]}, wait=3.0)

    with pytest.raises(ChannelUnavailable) as caught:
        call_json(send, read, partner="Taobao", attempts=3, sleep=slept.append)
    assert caught.value.message == "Taobao kept refusing the call after 3 attempts: 7 App Call Limited"
    assert caught.value.details == {"top_code": 7} and slept == [0.5, 3.0] and sent == [1, 2, 3]


def test_a_code_the_platform_keeps_answering_in_place_of_a_status_is_named_like_a_status_after_the_last_attempt():
    slept = []
    send, sent = sender(Answer(body={"errors": "THROTTLED"}), Answer(503), Answer(body={"errors": "THROTTLED"}))

    def read(payload, status):
        raise TryAgain("Throttled", {"cost": 10}, wait=0.25, answered=payload["errors"])

    with pytest.raises(ChannelUnavailable) as caught:
        call_json(send, read, partner="Shopify", attempts=3, sleep=slept.append)
    assert caught.value.message == "Shopify kept answering THROTTLED after 3 attempts"
    assert said(caught.value, "zh_CN") == "尝试 3 次后Shopify仍返回 THROTTLED"
    assert caught.value.details == {"cost": 10} and slept == [0.25, 1.0] and sent == [1, 2, 3]


def test_an_answer_that_is_not_json_is_refused_at_once():
    send, sent = sender(Answer(200, body=None), Answer(body={}))
    with pytest.raises(ChannelError) as caught:
        call_json(send, lambda payload, status: payload, partner="Pinduoduo", attempts=5, sleep=None)
    assert type(caught.value) is ChannelError and caught.value.message == "Pinduoduo answered 200 without JSON"
    assert caught.value.details == {"http_status": 200} and sent == [1]


@pytest.mark.parametrize("partner, chinese", [("Taobao", "淘宝没有响应：timed out"), ("JD", "京东没有响应：timed out"),
                                              ("Pinduoduo", "拼多多没有响应：timed out"), ("Douyin", "抖店没有响应：timed out"),
                                              ("Shopify", "Shopify没有响应：timed out")])
def test_a_refusal_names_the_platform_in_the_readers_language(partner, chinese):
    send, _sent = sender(requests.Timeout("timed out"))
    with pytest.raises(ChannelUnavailable) as caught:
        call(send, lambda response: response, partner=partner, attempts=1, sleep=None)
    assert said(caught.value, "zh_CN") == chinese
    assert said(caught.value, "en") == caught.value.message == f"{partner} did not answer: timed out"
