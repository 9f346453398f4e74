"""Builders for import tests: canonical records and spreadsheet files."""
import csv
import io

import pytest

from wms.imports import review_queue

TEMPLATE_ZH = ["订单号", "下单时间", "收件人", "手机", "省", "市", "区", "详细地址", "订单金额", "买家留言",
               "商品编码", "商品名称", "数量", "单价"]


def record(external_id="A1", lines=(("SKU-1", 2, 3300),), **fields):
    """A valid canonical order record."""
    base = {"external_id": external_id, "buyer_name": "张三", "buyer_phone": "13800138000",
            "province": "浙江省", "city": "杭州市", "district": "西湖区", "address": "文三路 90 号",
            "total_cents": 6600, "lines": [{"sku_code": c, "qty": q, "unit_price_cents": p, "name": c}
                                           for c, q, p in lines]}
    return {**base, **fields}


def csv_text(headers, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def chinese_orders_csv():
    """Our Chinese template: order A1 with two lines (order fields on its first row), A2 with one."""
    return csv_text(TEMPLATE_ZH, [
        ["A1", "2026-11-20 10:30", "张三", "13800138000", "浙江省", "杭州市", "西湖区", "文三路 90 号", "99.00",
         "<script>alert(1)</script>", "SKU-1", "T恤", "2", "33.00"],
        ["A1", "", "", "", "", "", "", "", "", "", "6900000000002", "袜子", "1", "33.00"],
        ["A2", "2026-11-20 11:00", "李四", "13900139000", "广东省", "深圳市", "南山区", "科技园 1 号", "19.90",
         "", "SKU-1", "T恤", "1", "19.90"],
    ])


@pytest.fixture
def no_review(monkeypatch):
    """Keep the review engineer's automatic review out of import tests."""
    monkeypatch.setattr(review_queue, "review_available", lambda: False)
