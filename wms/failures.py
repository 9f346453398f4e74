"""Failures a person can deal with: is a partner's refusal temporary (tried again by itself, with backoff)
or permanent (not tried again: shown at once with the partner's reason)? Pure: stdlib only.

One rule for both kinds of partner call that fail on their own (issue 21 item 5):

* a sales channel's tracking write-back: the adapters sort each platform's documented codes into
  `ChannelUnavailable` (timeouts, 5xx, rate limits, the platform's own failures: `temporary = True`) and
  `ChannelError` / `ChannelAuthFailed` (order not found, already shipped, unknown logistics company,
  credentials: `temporary = False`);
* a carrier's waybill: `WaybillError.retryable` says it, from each carrier's documented codes.

Anything else (a network error an adapter did not wrap, a bug) counts as temporary: it is tried again,
but only up to the caller's attempt limit, after which it waits for a person like any failure.
"""
TEMPORARY = "temporary"
PERMANENT = "permanent"
KINDS = (TEMPORARY, PERMANENT)

RETRY = "retry"          # try again by itself at the next backoff time
GIVE_UP = "give_up"      # temporary, but the attempts ran out: a person decides
REFUSED = "refused"      # permanent: never tried again by itself


def kind_of(error):
    """TEMPORARY or PERMANENT for an exception: its `temporary` flag, else its `retryable` flag, else
    TEMPORARY (an error nobody classified is assumed to pass, within the attempt limit)."""
    for flag in ("temporary", "retryable"):
        value = getattr(error, flag, None)
        if isinstance(value, bool):
            return TEMPORARY if value else PERMANENT
    return TEMPORARY


def next_step(kind, attempts, max_attempts):
    """What happens after the `attempts`-th failed attempt: RETRY, GIVE_UP or REFUSED."""
    if kind == PERMANENT:
        return REFUSED
    return GIVE_UP if attempts >= max_attempts else RETRY
