"""Failures a person can deal with: temporary ones are tried again (within the limit), permanent ones never."""
from hypothesis import given
from hypothesis import strategies as st

from wms import failures
from wms.channels.base import ChannelAuthFailed, ChannelError, ChannelUnavailable
from wms.shipping.carriers import WaybillError


def test_a_channel_that_is_unavailable_is_a_temporary_failure():
    assert failures.kind_of(ChannelUnavailable("Taobao kept answering 503")) == failures.TEMPORARY


def test_a_channel_refusal_and_refused_credentials_are_permanent():
    assert failures.kind_of(ChannelError("order not found")) == failures.PERMANENT
    assert failures.kind_of(ChannelAuthFailed("token expired")) == failures.PERMANENT


def test_a_carrier_error_is_as_retryable_as_the_carrier_adapter_says():
    assert failures.kind_of(WaybillError("timeout", "no answer")) == failures.TEMPORARY
    assert failures.kind_of(WaybillError("address_invalid", "no such street")) == failures.PERMANENT
    assert failures.kind_of(WaybillError("carrier_error", "quota used up", retryable=False)) == failures.PERMANENT


def test_an_error_nobody_classified_counts_as_temporary():
    assert failures.kind_of(ConnectionResetError("peer reset")) == failures.TEMPORARY
    assert failures.kind_of(KeyError("bug")) == failures.TEMPORARY


def test_a_flag_that_is_not_a_boolean_is_not_read_as_one():
    class Odd(Exception):
        temporary = "no"
        retryable = None

    assert failures.kind_of(Odd()) == failures.TEMPORARY


@given(attempts=st.integers(min_value=1, max_value=50), limit=st.integers(min_value=1, max_value=20))
def test_a_permanent_failure_is_never_tried_again_whatever_the_count(attempts, limit):
    assert failures.next_step(failures.PERMANENT, attempts, limit) == failures.REFUSED


@given(attempts=st.integers(min_value=1, max_value=50), limit=st.integers(min_value=1, max_value=20))
def test_a_temporary_failure_is_tried_again_exactly_until_the_limit(attempts, limit):
    step = failures.next_step(failures.TEMPORARY, attempts, limit)
    assert step == (failures.RETRY if attempts < limit else failures.GIVE_UP)


@given(temporary=st.booleans(), retryable=st.one_of(st.none(), st.booleans()))
def test_the_temporary_flag_wins_over_retryable(temporary, retryable):
    error = Exception()
    error.temporary, error.retryable = temporary, retryable
    assert failures.kind_of(error) == (failures.TEMPORARY if temporary else failures.PERMANENT)
