"""The pure rules of a file import: platform status words, the presets' recognition, Excel's text
guards and mangled ids, the per-line rules, the report's sentences in the reader's language."""
from hypothesis import given, settings
from hypothesis import strategies as st

from wms.imports import order_rules, presets, statuses
from wms.imports.cells import is_scientific, unguard
from wms.imports.mapping import guess_mapping


def test_each_platforms_status_words_import_hold_or_reject():
    cases = {
        ("order_status", "买家已付款，等待卖家发货"): statuses.IMPORT,
        ("order_status", "等待买家付款"): statuses.HOLD,
        ("order_status", "卖家已发货，等待买家确认"): statuses.SHIPPED,
        ("order_status", "交易成功"): statuses.SHIPPED,
        ("order_status", "交易关闭"): statuses.CANCELLED,
        ("payment_status", "paid"): statuses.IMPORT,
        ("payment_status", "pending"): statuses.HOLD,
        ("payment_status", "refunded"): statuses.CANCELLED,
        ("payment_status", "voided"): statuses.CANCELLED,
        ("fulfillment_status", "fulfilled"): statuses.SHIPPED,
        ("cancelled_at", "2026-11-21 08:00:00 +0800"): statuses.CANCELLED,
        ("order_status", "待发货"): statuses.IMPORT,
        ("order_status", "已发货，待签收"): statuses.SHIPPED,
        ("order_status", "等待出库"): statuses.IMPORT,
        ("order_status", "已关闭"): statuses.CANCELLED,
        ("refund_status", "退款成功"): statuses.CANCELLED,
    }
    for (field, word), verdict in cases.items():
        assert statuses.decide({field: word}, {})[0] == verdict, word


def test_the_gravest_column_decides_and_every_reason_is_kept():
    verdict, reasons = statuses.decide({"payment_status": "pending", "fulfillment_status": "fulfilled",
                                        "cancelled_at": ""}, {"payment_status": "Financial Status"})
    assert verdict == statuses.SHIPPED and [r[0] for r in reasons] == [statuses.HOLD, statuses.SHIPPED]
    assert reasons[0][2] == {"column": "Financial Status", "word": "pending"}


def test_an_unknown_word_holds_the_order_and_the_channels_own_words_win():
    assert statuses.decide({"order_status": "已打款"}, {})[0] == statuses.HOLD
    words = statuses.clean_words({"已打款": "import", " 交易 成功 ": "import", "x": "nonsense", 3: "hold"})
    assert words == {"已打款": "import", "交易成功": "import"}
    assert statuses.decide({"order_status": "已打款"}, {}, words)[0] == statuses.IMPORT
    assert statuses.decide({"order_status": "交易成功"}, {}, words)[0] == statuses.IMPORT


@settings(max_examples=200)
@given(st.dictionaries(st.sampled_from(statuses.STATUS_FIELDS), st.text(max_size=30)))
def test_any_status_text_gets_a_verdict_and_never_raises(values):
    verdict, reasons = statuses.decide(values, {})
    assert verdict in statuses.VERDICTS
    assert (verdict == statuses.IMPORT) == (not reasons)


def test_each_preset_is_recognised_by_its_headers_and_maps_only_the_columns_present():
    assert presets.recognise(["Name", "Financial Status", "Lineitem quantity", "Lineitem sku", "Lineitem name",
                              "Currency"]) is presets.SHOPIFY
    assert presets.recognise(["订单编号", "买家会员名", "收货地址", "订单状态", "联系手机"]) is presets.TAOBAO
    assert presets.recognise_lines(["订单编号", "标题", "价格", "购买数量", "商家编码"]) is presets.TAOBAO
    assert presets.recognise(["订单号", "订单状态", "商品数量(件)", "用户实付金额(元)", "商品"]) is presets.PDD
    assert presets.recognise(["订单号", "商品ID", "订购数量", "客户姓名", "商品名称"]) is presets.JD
    assert presets.recognise(["主订单编号", "子订单编号", "选购商品", "商品数量"]) is presets.DOUYIN
    assert presets.recognise(["订单号", "商品编码"]) is None
    mapping = guess_mapping(["订单号", "商品ID", "订购数量", "客户姓名", "货号"])
    assert mapping["sku_code"] == ["货号", "商品ID"] and "buyer_phone" not in mapping


def test_excel_guards_come_off_and_a_mangled_id_is_recognised():
    assert unguard('="0012345"') == "0012345" and unguard("'13800138000") == "13800138000"
    assert unguard("SKU-1") == "SKU-1" and unguard("'") == ""
    assert all(is_scientific(t) for t in ("1.23457E+17", "3.7E+18", "1E+17", "4.37000E+16"))
    assert not any(is_scientific(t) for t in ("123457000000000000", "E+17", "SKU-1E+3", "#1001"))


def test_a_quantity_0_line_is_dropped_and_flagged_and_no_line_left_rejects():
    record = {"lines": [{"sku_code": "A", "qty": 0}, {"sku_code": "", "qty": 1, "unit_price_cents": -100},
                        {"qty": 2}]}
    kept, flags, holds, errors, rows = order_rules.apply_lines(record, [2, 3, 4], 2)
    assert [line["sku_code"] for line in kept["lines"]] == ["", ""] and rows == [3, 4]
    assert [(row, field) for row, field, _r in flags] == [(2, "qty"), (3, "sku_code"), (4, "sku_code")]
    assert holds == [("price", order_rules.NEGATIVE_PRICE, {"row": 3})] and errors == []
    _kept, _f, _h, errors, _rows = order_rules.apply_lines({"lines": [{"sku_code": "A", "qty": 0}]}, [5], 5)
    assert errors == [(5, "qty", order_rules.NO_LINES_LEFT)]


def test_a_long_note_is_cut_and_flagged_never_rejected():
    record, flags, _h, errors, _r = order_rules.apply_lines(
        {"buyer_remark": "长" * 2500, "lines": [{"sku_code": "A", "qty": 1}]}, [2], 2)
    assert len(record["buyer_remark"]) == order_rules.NOTE_LIMIT and not errors
    assert flags == [(2, "buyer_remark", order_rules.NOTE_CUT.format(limit=2000))]


def test_a_stated_item_count_that_the_lines_do_not_add_up_to_holds():
    lines = [{"qty": 2}, {"qty": 1}]
    assert order_rules.count_check("3", lines) is None and order_rules.count_check("", lines) is None
    assert order_rules.count_check("4", lines) == ("item_count", order_rules.COUNT_MISMATCH,
                                                   {"stated": 4, "counted": 3})


def test_the_reports_sentences_are_found_again_with_their_values():
    text = order_rules.DUPLICATE.format(order="T1", row=7)
    assert order_rules.template_of(text) == (order_rules.DUPLICATE, {"order": "T1", "row": "7"})
    assert order_rules.template_of("typed by a person") == ("typed by a person", {})


@settings(max_examples=200)
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True) | st.text(alphabet="0123456789 +-'", max_size=16))
def test_the_imports_shortcut_for_a_plain_chinese_mobile_gives_what_the_phone_normaliser_gives(text):
    from wms.contacts.phone import normalise_phone
    from wms.imports import contact_fields

    record = contact_fields.normalise({"buyer_phone": text, "country": "CN"})
    expected = (normalise_phone(text, "CN").value or text)[:40] if text else text
    assert record["buyer_phone"] == expected


def test_a_chinese_orders_province_in_pinyin_english_code_or_short_name_becomes_its_chinese_name():
    from wms.imports import contact_fields

    for written in ("Zhejiang", "ZJ", "CN-ZJ", "zhejiang sheng", "浙江", "浙江省"):
        record = contact_fields.normalise({"province": written, "city": "杭州市", "country": "CN"})
        assert record["province"] == "浙江省", written
    assert contact_fields.normalise({"province": "Beijing Shi", "country": "CN"})["province"] == "北京市"
    assert contact_fields.normalise({"province": "Inner Mongolia", "country": "CN"})["province"] == "内蒙古自治区"
    assert contact_fields.normalise({"province": "Atlantis", "country": "CN"})["province"] == "Atlantis"  # kept
    assert contact_fields.normalise({"province": "ON", "country": "CA"})["province"] == "ON"  # not China's


def test_a_shopify_order_with_an_english_province_splits_nothing_and_reads_as_chinese():
    from wms.imports import contact_fields

    record = contact_fields.normalise({"province": "Guangdong", "city": "Shenzhen", "address": "Nanshan Rd 1",
                                       "country": "CN"})
    assert (record["province"], record["city"], record["address"]) == ("广东省", "Shenzhen", "Nanshan Rd 1")
