"""TOP request signing: sorted name+value pairs, MD5(secret+s+secret) or HMAC-MD5, upper-case hex."""
import hashlib
import hmac

import pytest

from wms.channels.taobao_protocol import sign_request, sign_string, verify_signature

PARAMS = {  # the documented example shape of taobao.item.seller.get
    "method": "taobao.item.seller.get", "app_key": "test", "session": "test-session",
    "timestamp": "2016-01-01 12:00:00", "format": "json", "v": "2.0", "sign_method": "md5",
    "fields": "num_iid,title,price", "num_iid": 11223344,
}
# Written out by hand: names sorted (byte order), each name then its value, no separators.
BY_HAND = ("app_keytest" "fieldsnum_iid,title,price" "formatjson" "methodtaobao.item.seller.get"
           "num_iid11223344" "sessiontest-session" "sign_methodmd5" "timestamp2016-01-01 12:00:00" "v2.0")


def test_the_string_to_sign_is_the_sorted_names_and_values_concatenated():
    assert sign_string(PARAMS) == BY_HAND


def test_md5_signs_secret_string_secret_in_upper_case_hex():
    expected = hashlib.md5(("helloworld" + BY_HAND + "helloworld").encode()).hexdigest().upper()

    assert sign_request(PARAMS, "helloworld", "md5") == expected


def test_hmac_signs_the_string_with_the_secret_as_key():
    params = {**PARAMS, "sign_method": "hmac"}
    by_hand = BY_HAND.replace("sign_methodmd5", "sign_methodhmac")
    expected = hmac.new(b"helloworld", by_hand.encode(), hashlib.md5).hexdigest().upper()

    assert sign_request(params, "helloworld", "hmac") == expected


def test_hmac_sha256_signs_the_string_with_the_secret_as_key():
    params = {**PARAMS, "sign_method": "hmac-sha256"}
    by_hand = BY_HAND.replace("sign_methodmd5", "sign_methodhmac-sha256")
    expected = hmac.new(b"helloworld", by_hand.encode(), hashlib.sha256).hexdigest().upper()

    assert sign_request(params, "helloworld", "hmac-sha256") == expected and len(expected) == 64


def test_pinned_vectors_do_not_drift():
    no_format = {k: v for k, v in PARAMS.items() if k != "format"}
    assert sign_request(no_format, "helloworld", "md5") == "D8DC4562E0683F293197FEF7644FDC68"
    assert sign_request({**no_format, "sign_method": "hmac"}, "helloworld", "hmac") == "2A5D392BBED488858727FDFF7EC719D7"


def test_chinese_values_and_secrets_are_signed_as_utf8():
    params = {"app_key": "12345678", "fields": "收件人", "method": "taobao.test", "session": "6100sandboxsession",
              "sign_method": "md5", "timestamp": "2026-11-22 10:00:00", "v": "2.0"}

    assert sign_request(params, "密钥") == "B41BB179BE3CEA75CE3C0AB79E081400"


def test_sign_itself_bytes_and_none_are_left_out_of_the_string():
    params = {**PARAMS, "sign": "WHATEVER", "image": b"\x89PNG", "nick": None}

    assert sign_string(params) == BY_HAND
    assert sign_request(params, "helloworld") == sign_request(PARAMS, "helloworld")


def test_a_changed_value_changes_the_signature():
    assert sign_request({**PARAMS, "num_iid": 11223345}, "helloworld") != sign_request(PARAMS, "helloworld")


def test_verify_accepts_the_right_signature_and_refuses_a_tampered_one():
    signed = {**PARAMS, "sign": sign_request(PARAMS, "helloworld")}

    assert verify_signature(signed, "helloworld")
    assert verify_signature({**signed, "sign": signed["sign"].lower()}, "helloworld")
    assert not verify_signature({**signed, "num_iid": "1"}, "helloworld")
    assert not verify_signature(signed, "another-secret")
    assert not verify_signature({k: v for k, v in signed.items() if k != "sign"}, "helloworld")
    assert not verify_signature({**signed, "sign_method": "sha1"}, "helloworld")


def test_an_unknown_sign_method_is_refused():
    with pytest.raises(ValueError, match="md5, hmac or hmac-sha256"):
        sign_request(PARAMS, "s", "sha256")
