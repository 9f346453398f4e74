"""Carrier tracking statuses normalised to five of ours. Pure: stdlib only.

Kuaidi100 (快递100) reports a main state 0-14 and, in its high-precision mode, sub-states whose
leading digit(s) name the main state (1001-1003 -> 0, 101-103 -> 1, 201-211 -> 2, 301-304 -> 3,
401 -> 4, 501 -> 5, 601 -> 6). Other carriers and our own sandbox send words; both end up here.
"""
IN_TRANSIT = "in_transit"               # picked up, moving between depots, customs
OUT_FOR_DELIVERY = "out_for_delivery"   # with the courier for the last mile (派件)
EXCEPTION = "exception"                 # a problem a person must look at (疑难, 拒签, customs trouble)
DELIVERED = "delivered"                 # signed for (签收)
RETURNED = "returned"                   # on its way back to us, or back already (退回, 退签)

ALL = (IN_TRANSIT, OUT_FOR_DELIVERY, EXCEPTION, DELIVERED, RETURNED)
NEEDS_A_PERSON = frozenset({EXCEPTION, RETURNED})

KUAIDI100_STATES = {
    0: IN_TRANSIT,         # 在途
    1: IN_TRANSIT,         # 揽收
    2: EXCEPTION,          # 疑难
    3: DELIVERED,          # 签收
    4: RETURNED,           # 退签: refused and signed back by the sender
    5: OUT_FOR_DELIVERY,   # 派件
    6: RETURNED,           # 退回: on its way back to the sender
    7: IN_TRANSIT,         # 转投: handed to another courier
    8: IN_TRANSIT,         # 清关
    10: IN_TRANSIT,        # 待清关
    11: IN_TRANSIT,        # 清关中
    12: IN_TRANSIT,        # 已清关
    13: EXCEPTION,         # 清关异常
    14: EXCEPTION,         # 拒签: the buyer refused it; someone decides what happens next
}

# Words, most specific first: "out for delivery" must win over "delivery".
WORDS = (
    ("out for delivery", OUT_FOR_DELIVERY), ("out_for_delivery", OUT_FOR_DELIVERY),
    ("派件", OUT_FOR_DELIVERY), ("派送", OUT_FOR_DELIVERY),
    ("return", RETURNED), ("退回", RETURNED), ("退签", RETURNED),
    ("拒签", EXCEPTION), ("拒收", EXCEPTION), ("exception", EXCEPTION), ("failed", EXCEPTION),
    ("疑难", EXCEPTION), ("问题件", EXCEPTION), ("异常", EXCEPTION),
    ("delivered", DELIVERED), ("signed", DELIVERED), ("签收", DELIVERED),
    ("in transit", IN_TRANSIT), ("in_transit", IN_TRANSIT), ("picked up", IN_TRANSIT),
    ("picked_up", IN_TRANSIT), ("accepted", IN_TRANSIT), ("在途", IN_TRANSIT), ("揽收", IN_TRANSIT),
    ("运输", IN_TRANSIT), ("清关", IN_TRANSIT), ("转投", IN_TRANSIT),
)


def normalise(raw):
    """Our status for a carrier's code (int or digits) or word; None when we cannot tell."""
    if raw is None or isinstance(raw, bool):
        return None
    text = str(raw).strip().lower()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return KUAIDI100_STATES.get(_main_state(int(text)))
    for word, status in WORDS:
        if word in text:
            return status
    return None


def _main_state(code):
    if code >= 1000:  # 1001-1003: sub-states of 在途
        return 0 if 1000 <= code < 1100 else None
    if code >= 100:
        return code // 100
    return code


def auto_complete_due(shipped_at, now, days, last_status=None):
    """True when a shipped order heard no delivery for `days` and no problem is open on it."""
    if shipped_at is None or days is None or days <= 0 or last_status in NEEDS_A_PERSON:
        return False
    return (now - shipped_at).total_seconds() >= days * 86400


def retry_delay_seconds(attempts, base=60, cap=6 * 3600):
    """Exponential backoff for write-back retries: 1, 2, 4, 8 ... minutes, at most 6 hours."""
    return min(cap, base * 2 ** max(0, attempts - 1))
