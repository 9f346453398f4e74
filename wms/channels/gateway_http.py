"""The HTTP etiquette every adapter keeps with its platform's gateway, in one place: a call is sent again
after a network error, a timeout or a 5xx (and the statuses a platform adds, such as 429), with
back-off between attempts, and given up as ChannelUnavailable after the last attempt; an answer that is
not JSON is a ChannelError.

What an answer means stays with each adapter: `call_json` hands its `read` the decoded payload and the HTTP
status, and `read` returns the body, raises the adapter's own refusal (error codes, response keys), or raises
TryAgain when the platform asks to be called later (a call limit, maintenance): that answer takes an attempt
of the same count, after the wait the adapter read from it (else the back-off), and after the last one the call
is ChannelUnavailable. So a call sends at most `attempts` requests, whatever mix of answers it meets. `call`
does the same with the response itself, for an adapter that reads more than the JSON (Shopify's Link header).

The refusals name the platform by the word the adapter gives ("Taobao"), a wording of its own, so a page
tells the whole sentence in the reader's language (wms/translations/zh_CN/channels_gateway.json).
"""
import requests

from wms.channels.base import ChannelError, ChannelUnavailable
from wms.wording import wording


class TryAgain(Exception):
    """An answer the platform asks to be sent again later: `error` says why (it ends the last attempt's
    ChannelUnavailable, with `details`); `wait` (seconds) replaces the back-off when the platform states one.
    `answered` is the platform's own code for such an answer where an HTTP status would stand (Shopify's
    THROTTLED): the last attempt then says the platform kept answering it, as it says of a status."""

    def __init__(self, error, details=None, wait=None, answered=None):
        super().__init__(error)
        self.error, self.details, self.wait, self.answered = error, details or {}, wait, answered


def backoff(attempt):
    """Seconds to wait after failed attempt `attempt` (from 1): 0.5 doubling to at most 8; no platform states one."""
    return min(0.5 * 2 ** (attempt - 1), 8.0)


def call_json(send, read, *, partner, **etiquette):
    """read(payload, status) of the first answer not to be sent again, its body decoded from JSON (see `call`)."""
    return call(send, lambda response: read(json_payload(response, partner), response.status_code),
                partner=partner, **etiquette)


def call(send, read, *, partner, attempts, sleep, also_retried=(), error_chars=None, asked_wait=None):
    """read(response) of the first answer of `send()` not to be sent again, within `attempts` attempts.

    Retried: network errors and timeouts (their text cut to `error_chars`), 5xx and `also_retried` statuses
    (after `asked_wait(response)` seconds when that says a number, else the back-off), and a TryAgain from read
    (after its `wait`, else the back-off); each is one attempt of the same `attempts`.
    `partner` is the platform's name in the refusals ("Taobao").
    """
    for attempt in range(1, attempts + 1):
        last = attempt == attempts
        try:
            response = send()
        except (requests.ConnectionError, requests.Timeout) as error:
            if last:
                raise ChannelUnavailable.worded("{partner} did not answer: {error}", partner=wording(partner),
                                                error=str(error)[:error_chars]) from error
            sleep(backoff(attempt))
            continue
        status = response.status_code
        if status >= 500 or status in also_retried:
            if last:
                raise ChannelUnavailable.worded("{partner} kept answering {status} after {attempts} attempts",
                                                partner=wording(partner), status=status, attempts=attempt,
                                                details={"http_status": status})
            asked = asked_wait(response) if asked_wait else None
            sleep(backoff(attempt) if asked is None else asked)
            continue
        try:
            return read(response)
        except TryAgain as again:
            refused = again
        if last:
            raise _still_refused(partner, attempt, refused)
        sleep(backoff(attempt) if refused.wait is None else refused.wait)
    raise AssertionError("unreachable")


def _still_refused(partner, attempts, refused):
    """The ChannelUnavailable after the last attempt was a TryAgain: its code kept coming, or the call kept refused."""
    if refused.answered:
        return ChannelUnavailable.worded("{partner} kept answering {status} after {attempts} attempts",
                                         partner=wording(partner), status=refused.answered, attempts=attempts,
                                         details=refused.details)
    return ChannelUnavailable.worded("{partner} kept refusing the call after {attempts} attempts: {error}",
                                     partner=wording(partner), attempts=attempts, error=refused.error,
                                     details=refused.details)


def json_payload(response, partner):
    """The response's body decoded from JSON, or a ChannelError naming its status."""
    try:
        return response.json()
    except ValueError:
        raise ChannelError.worded("{partner} answered {status} without JSON", partner=wording(partner),
                                  status=response.status_code, details={"http_status": response.status_code}) from None
