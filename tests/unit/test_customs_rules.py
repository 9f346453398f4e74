"""The customs declaration's completeness rule names every gap, and only gaps; CN 22 up to 300 SDR."""
from hypothesis import given, settings, strategies as st

from wms.shipping import customs
from wms.shipping.customs import Declaration, Item
from wms.wording import english

RECIPIENT = {"name": "John Smith", "address": "1 Main St", "city": "New York", "postcode": "10001"}


def item(**fields):
    values = dict(sku_code="MUG-1", qty=2, name_cn="保温杯", name_en="Vacuum flask", hs_code="961700",
                  unit_value_cents=1250, currency="USD", origin="CN", material="stainless steel", unit_weight_g=300)
    return Item(**{**values, **fields})


def declaration(**fields):
    values = dict(country="US", items=(item(),), currency="USD", recipient=RECIPIENT)
    return Declaration(**{**values, **fields})


def gaps(decl):
    return [english(gap) for gap in customs.missing(decl)]


def test_a_complete_declaration_has_no_gaps():
    assert gaps(declaration()) == []


def test_each_missing_item_field_is_named_with_its_sku():
    found = gaps(declaration(items=(item(name_cn="", name_en="", hs_code="", unit_value_cents=0, origin=""),)))
    assert found == ["MUG-1: declared name in Chinese", "MUG-1: declared name in English (Latin letters only)",
                     "MUG-1: HS code (6 to 10 digits)", "MUG-1: declared value", "MUG-1: country of origin"]


def test_a_chinese_name_without_chinese_and_an_english_name_with_chinese_are_gaps():
    found = gaps(declaration(items=(item(name_cn="Flask", name_en="保温杯 flask"),)))
    assert found == ["MUG-1: declared name in Chinese", "MUG-1: declared name in English (Latin letters only)"]


def test_lines_in_another_currency_than_the_declaration_are_named():
    assert gaps(declaration(items=(item(currency="EUR"),))) == ["MUG-1: declared in EUR, the declaration in USD"]


def test_the_recipient_and_an_empty_declaration_are_named():
    found = gaps(declaration(items=(), recipient={"name": "", "address": "", "city": "", "postcode": ""}))
    assert found == ["recipient name", "recipient street address", "recipient city", "recipient postcode",
                     "at least one declared item"]


def test_hong_kong_needs_no_postcode():
    assert gaps(declaration(country="HK", recipient={**RECIPIENT, "postcode": ""})) == []


def test_an_ioss_number_must_have_its_form_and_an_eu_destination():
    assert gaps(declaration(country="DE", ioss_number="IM2760000742")) == []
    assert gaps(declaration(country="DE", ioss_number="IM27")) == ["IOSS number (IM followed by 10 digits)"]
    assert gaps(declaration(country="US", ioss_number="IM2760000742")) == [
        "an IOSS number is for EU destinations only"]
    assert gaps(declaration(vat_number="not a vat")) == ["VAT number (country letters and digits)"]


def test_home_orders_need_no_declaration():
    assert not customs.needs_declaration("CN")
    assert not customs.needs_declaration("")
    assert customs.needs_declaration("us")


def test_cn22_up_to_300_sdr_and_cn23_above():
    # 300 SDR = 400 USD at 0.75 SDR per USD
    assert customs.form_for(declaration(items=(item(qty=1, unit_value_cents=40_000),))) == "CN22"
    assert customs.form_for(declaration(items=(item(qty=1, unit_value_cents=40_001),))) == "CN23"
    assert customs.form_for(declaration(currency="XYZ", items=(item(currency="XYZ"),))) == "CN23"


def test_tax_numbers_come_from_the_order_tags_before_the_channel():
    assert customs.tax_numbers_from(["ioss: im 276-000-0742", "vip"], {"ioss_number": "IM0000000001"}) == (
        "IM2760000742", "")
    assert customs.tax_numbers_from([], {"ioss_number": "IM0000000001", "vat_number": "GB123456789"}) == (
        "IM0000000001", "GB123456789")


_TEXT = st.text(alphabet=st.sampled_from("abcXYZ保温杯 12"), max_size=8)
_ITEMS = st.builds(Item, sku_code=st.sampled_from(["A", "B"]), qty=st.integers(-1, 3), name_cn=_TEXT, name_en=_TEXT,
                   hs_code=st.sampled_from(["", "12", "961700", "96170000", "abcdef"]),
                   unit_value_cents=st.integers(-5, 5000), currency=st.sampled_from(["", "USD", "EUR"]),
                   origin=st.sampled_from(["", "CN", "cn", "CHN"]))
_DECLARATIONS = st.builds(
    Declaration, country=st.sampled_from(["US", "DE", "HK", "", "usa"]), items=st.lists(_ITEMS, max_size=3).map(tuple),
    currency=st.sampled_from(["USD", "EUR", "XYZ"]), category=st.sampled_from(["sale", "gift", "bribe"]),
    ioss_number=st.sampled_from(["", "IM2760000742", "IM1"]), vat_number=st.sampled_from(["", "GB123456789", "?"]),
    recipient=st.fixed_dictionaries({"name": _TEXT, "address": _TEXT, "city": _TEXT, "postcode": _TEXT}))


def _plainly_complete(decl):
    """The same rule said the long way, field by field."""
    import re

    def item_ok(i):
        return (any("\u3400" <= ch <= "\u9fff" for ch in i.name_cn) and i.name_en.strip() != "" and i.name_en.isascii()
                and re.fullmatch(r"\d{6,10}", i.hs_code) is not None and i.unit_value_cents > 0 and i.qty > 0
                and i.currency in ("", decl.currency) and re.fullmatch(r"[A-Z]{2}", i.origin) is not None)

    r = decl.recipient
    return (re.fullmatch(r"[A-Z]{2}", decl.country) is not None and all(r[k].strip() for k in ("name", "address", "city"))
            and (decl.country == "HK" or r["postcode"].strip() != "") and decl.currency in customs.SDR_PER_UNIT
            and decl.category in customs.CATEGORIES and len(decl.items) > 0 and all(item_ok(i) for i in decl.items)
            and (decl.ioss_number == "" or (decl.ioss_number == "IM2760000742" and decl.country == "DE"))
            and decl.vat_number != "?")


@settings(max_examples=300, deadline=None)
@given(_DECLARATIONS)
def test_a_declaration_is_complete_exactly_when_every_field_is_there(decl):
    assert (customs.missing(decl) == []) == _plainly_complete(decl)


@settings(max_examples=200, deadline=None)
@given(_DECLARATIONS)
def test_every_gap_of_an_item_names_its_sku(decl):
    item_gaps = [english(gap) for gap in customs.missing(decl) if "sku" in gap["values"]]
    assert all(text.split(":")[0] in {"A", "B"} for text in item_gaps)
    if not decl.items:
        assert "at least one declared item" in [english(gap) for gap in customs.missing(decl)]
