"""Aliyun SMS's signing against its documented example, and the notice texts' masking and choices (pure)."""
from hypothesis import given
from hypothesis import strategies as st

from wms.tracking import notice_texts
from wms.tracking.aliyun_sms import AliyunSms, fit_variables, percent_encode, signature

# help.aliyun.com/document_detail/101343 (签名机制): the SendSms request signed with testId / testSecret.
DOCUMENTED = {
    "AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123", "PhoneNumbers": "15300000001",
    "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用", "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466", "SignatureVersion": "1.0",
    "TemplateCode": "SMS_71390007", "TemplateParam": '{"customer":"test"}', "Timestamp": "2017-07-12T02:42:19Z",
    "Version": "2017-05-25",
}


def test_the_documented_request_signs_to_the_documented_signature():
    assert signature(DOCUMENTED, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_percent_encoding_is_rfc_3986_as_the_signature_wants():
    assert percent_encode("a b*c~d+e/") == "a%20b%2Ac~d%2Be%2F"
    assert percent_encode("阿") == "%E9%98%BF"


@given(st.sampled_from(sorted(DOCUMENTED)), st.text(min_size=1, max_size=20))
def test_changing_any_parameter_changes_the_signature(name, value):
    if value == DOCUMENTED[name]:
        return
    assert signature({**DOCUMENTED, name: value}, "testSecret") != "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_a_post_is_signed_with_its_method_and_carries_every_common_parameter():
    client = AliyunSms("http://sms.test", "id", "secret", "仓库")
    params = client.request_params("13800138000", "SMS_1", {"order": "A" * 50}, 7, nonce="n1")
    signed = params.pop("Signature")
    assert signed == signature(params, "secret", method="POST") != signature(params, "secret", method="GET")
    assert params["TemplateParam"] == '{"order":"' + "A" * 35 + '"}'  # a variable is cut to 35 characters
    assert {"AccessKeyId", "Action", "Format", "RegionId", "SignatureMethod", "SignatureNonce", "SignatureVersion",
            "Timestamp", "Version", "PhoneNumbers", "SignName", "TemplateCode", "OutId"} <= set(params)


@given(st.dictionaries(st.text(max_size=5), st.text(max_size=80)))
def test_template_variables_are_strings_of_at_most_35_characters(values):
    assert all(isinstance(v, str) and len(v) <= 35 for v in fit_variables(values).values())


def test_names_and_phones_are_masked_as_the_platforms_show_them():
    assert notice_texts.mask_name("张三丰") == "张**"
    assert notice_texts.mask_name(" Alice ") == "A****"
    assert notice_texts.mask_name("") == ""
    assert notice_texts.mask_phone("13812345678") == "138****5678"
    assert notice_texts.mask_phone("138****5678") == "****"


@given(st.text(max_size=30))
def test_a_masked_phone_never_gets_a_text_and_a_number_that_does_is_a_mainland_mobile(phone):
    number = notice_texts.sms_number(phone)
    if "*" in phone or "＊" in phone:
        assert number is None
    if number is not None:
        assert len(number) == 11 and number.isdigit() and number.startswith("1")


def test_mobile_numbers_are_taken_with_their_country_code_and_spaces():
    assert notice_texts.sms_number("+86 138 0013 8000") == "13800138000"
    assert notice_texts.sms_number("0086-13800138000") == "13800138000"
    assert notice_texts.sms_number("021-12345678") is None
    assert notice_texts.sms_number("13800138000", country="US") is None


def test_a_store_that_chose_nothing_sends_the_shipped_email_unless_its_platform_tells_its_buyers():
    assert notice_texts.chosen_media({}, "shipped") == ("email",)
    assert notice_texts.chosen_media({}, "shortage") == ()
    assert notice_texts.chosen_media({}, "shipped", notifies_buyers=True) == ()
    chosen = {"buyer_notices": {"shipped": ["sms"], "shortage": ["email", "sms", "fax"]}}
    assert notice_texts.chosen_media(chosen, "shipped", notifies_buyers=True) == ("sms",)
    assert notice_texts.chosen_media(chosen, "shortage") == ("email", "sms")


def test_the_form_gives_every_event_its_ticked_media_and_ignores_the_rest():
    form = {"shipped.email": "1", "shortage.sms": "1", "bogus.email": "1", "csrf_token": "x"}
    choices = notice_texts.choices_from_form(form)
    assert choices["shipped"] == ["email"] and choices["shortage"] == ["sms"] and choices["refund_done"] == []
    assert set(choices) == set(notice_texts.EVENTS)


@given(st.sampled_from(notice_texts.EVENTS), st.sampled_from(("en", "zh_CN")),
       st.text(alphabet="QXZ", min_size=2, max_size=12), st.text(alphabet="0123456789-", max_size=20))
def test_every_text_is_filled_and_never_carries_the_full_name(event, locale, name, order):
    values = {"order": order, "name": name, "carrier": "SF", "tracking": "SF100"}
    subject, body = notice_texts.email_text(event, values, locale)
    assert "{" not in subject + body
    assert name not in subject + body and name[0] + "*" in body
    assert set(notice_texts.sms_variables(event, values, locale)) == set(notice_texts.SMS_VARIABLES[event])
    assert name not in "".join(notice_texts.sms_variables(event, values, locale).values())
