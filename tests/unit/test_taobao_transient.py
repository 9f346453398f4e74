"""TOP's error codes sorted as the write-back's failure kinds need them: 7, 10 and 15 with an isp. sub_code pass on
a later call; the rest is the platform's refusal."""
from hypothesis import given
from hypothesis import strategies as st

from wms.channels.taobao_protocol import is_transient


def test_call_limited_service_unavailable_and_platform_errors_are_transient():
    assert is_transient({"code": 7, "msg": "App Call Limited"})
    assert is_transient({"code": "10", "msg": "Service Currently Unavailable"})
    assert is_transient({"code": 15, "msg": "Remote service error", "sub_code": "isp.remote-service-timeout"})


def test_a_refusal_of_the_request_itself_is_not():
    assert not is_transient({"code": 15, "msg": "Remote service error",
                             "sub_code": "isv.logistics-offline-service-error:B04"})
    assert not is_transient({"code": 27, "msg": "Invalid session"})
    assert not is_transient({"code": None})


@given(code=st.integers(min_value=0, max_value=100).filter(lambda c: c not in (7, 10, 15)),
       sub_code=st.one_of(st.none(), st.text(max_size=30)))
def test_no_other_code_is_transient_whatever_its_sub_code(code, sub_code):
    assert not is_transient({"code": code, "sub_code": sub_code})


@given(sub_code=st.text(max_size=30))
def test_code_15_is_transient_exactly_when_the_platform_says_it_is_its_own(sub_code):
    assert is_transient({"code": 15, "sub_code": sub_code}) == sub_code.startswith("isp.")
