"""Settings forms: one declaration reads the page's fields, checks stored settings, masks secrets."""
import json

import pytest

from wms.errors import ValidationFailed
from wms.settings_forms import MASK, SettingField, SettingsFamily

FAMILY = SettingsFamily("s.", {
    "shop": (SettingField("base_url", "Store address", "url"),
             SettingField("token", "Token", secret=True, required=True),
             SettingField("page_size", "Page size", "integer", minimum=1, maximum=250),
             SettingField("mode", "Mode", "choice", choices=(("a", "A"), ("b", "B")))),
    "parcel": (SettingField("regions", "Regions", "list"), SettingField("base_cents", "Base price", "money"),
               SettingField("sender.phone", "Sender phone"), SettingField("salt", "Salt", secret=True)),
}, reserved={"adapter"})
SHOP, PARCEL = FAMILY.form("shop"), FAMILY.form("parcel")


def test_the_page_fields_become_typed_settings_and_unknown_json_keys_are_kept():
    posted = {"s.shop.base_url": "https://x.myshopify.com", "s.shop.token": "shpat_1", "s.shop.page_size": "50",
              "s.shop.mode": "b", "settings": '{"extra": 1}'}
    assert SHOP.read_page(posted) == {"base_url": "https://x.myshopify.com", "token": "shpat_1", "page_size": 50,
                                      "mode": "b", "extra": 1}


def test_money_lists_and_nested_keys_are_stored_as_the_adapters_read_them():
    posted = {"s.parcel.regions": "浙江省，上海市、 江苏省", "s.parcel.base_cents": "8.5",
              "s.parcel.sender.phone": "13800000000", "settings": '{"sender": {"company": "ACME"}}'}
    settings = PARCEL.read_page(posted)
    assert settings == {"regions": ["浙江省", "上海市", "江苏省"], "base_cents": 850,
                        "sender": {"company": "ACME", "phone": "13800000000"}}
    assert PARCEL.page_values(settings) == {"s.parcel.regions": "浙江省, 上海市, 江苏省",
                                            "s.parcel.base_cents": "8.50", "s.parcel.sender.phone": "13800000000"}
    assert json.loads(PARCEL.advanced_text(settings)) == {"sender": {"company": "ACME"}}


def test_every_wrong_field_is_named_with_a_message_and_its_values():
    posted = {"s.shop.base_url": "ftp://x", "s.shop.page_size": "999", "s.shop.mode": "z", "settings": "{oops"}
    with pytest.raises(ValidationFailed) as refused:
        SHOP.read_page(posted)
    problems = refused.value.details["fields"]
    assert set(problems) == {"s.shop.base_url", "s.shop.token", "s.shop.page_size", "s.shop.mode", "settings"}
    assert problems["s.shop.token"]["message"] == "Required"
    assert problems["s.shop.page_size"]["values"]["maximum"] == 250
    assert refused.value.details["field"] in problems


def test_a_secret_left_empty_keeps_the_stored_one_and_is_never_shown():
    current = {"token": "shpat_secret", "salt": "pepper"}
    assert SHOP.read_page({"s.shop.token": ""}, current=current)["token"] == "shpat_secret"
    assert SHOP.read_page({"s.shop.token": "new"}, current=current)["token"] == "new"
    assert "s.shop.token" not in SHOP.page_values(current) and SHOP.stored_secrets(current) == {"s.shop.token"}
    # salt is a secret of another kind of the family: masked in this kind's advanced JSON
    shown = json.loads(SHOP.advanced_text(current))
    assert shown == {"salt": MASK} and "pepper" not in SHOP.advanced_text(current)


def test_a_masked_value_posted_back_keeps_the_stored_secret():
    current = {"token": "t", "salt": "pepper"}
    kept = SHOP.read_page({"settings": json.dumps({"salt": MASK})}, current=current)
    assert kept == {"token": "t", "salt": "pepper"}


def test_a_json_key_that_has_its_own_field_is_refused_there():
    with pytest.raises(ValidationFailed) as refused:
        SHOP.read_page({"s.shop.token": "t", "settings": '{"page_size": 5, "adapter": "x"}'})
    assert refused.value.details["fields"]["settings"]["values"]["keys"] == "page_size, adapter"


@pytest.mark.parametrize("settings, field", [
    ({"page_size": "50"}, "page_size"), ({"base_url": "not a url"}, "base_url"), ({"mode": "c"}, "mode"),
])
def test_stored_settings_are_checked_by_the_same_fields(settings, field):
    with pytest.raises(ValidationFailed) as refused:
        SHOP.check(settings)
    assert set(refused.value.details["fields"]) == {field}


def test_stored_settings_may_leave_fields_out_and_keep_unknown_keys():
    assert SHOP.check({"shop": "main"}) == {"shop": "main"}
    assert PARCEL.check({"regions": ["浙江省"], "base_cents": 500}) == {"regions": ["浙江省"], "base_cents": 500}


def test_a_kind_without_fields_keeps_everything_as_json():
    manual = FAMILY.form("manual")
    assert manual.fields == () and manual.read_page({"settings": '{"a": 1}'}) == {"a": 1}
