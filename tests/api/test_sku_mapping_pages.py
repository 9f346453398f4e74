"""The SKU mapping queue page: reviewers see the queue, map a row by code or barcode, search SKUs."""
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.builders import make_channel, make_sku
from tests.builders_review import make_held_order, reload
from wms.channels import mapping_services
from wms.channels.mapping_models import SkuMapping
from wms.extensions import db
from wms.orders import states

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queued(app):
    channel = make_channel(code="tmall", platform="taobao")
    make_sku("TEA-PUER-357", name="云南普洱茶饼", barcodes=("6909999999999",))
    mapping_services.apply_sku_mappings(channel.id, [{"external_id": "H1", "lines": [
        {"sku_code": "TB-GIFT-BOX", "name": "<b>茶礼盒</b>", "qty": 1}]}])
    order = make_held_order("H1", channel=channel, lines=(("TB-GIFT-BOX", 1),), reasons=(("unknown_sku", "TB-GIFT-BOX"),))
    return db.session.scalar(select(SkuMapping)), order


def test_a_reviewer_sees_the_queue_with_titles_escaped_and_a_search_box_per_row(client, login, queued):
    login("reviewer")

    page = client.get("/channels/sku-mappings?lang=en").get_data(as_text=True)

    assert "TB-GIFT-BOX" in page and "&lt;b&gt;茶礼盒&lt;/b&gt;" in page and "<b>茶礼盒" not in page
    assert 'list="sku-options-' in page and 'name="csrf_token"' in page


def test_mapping_a_row_by_barcode_relinks_and_releases_the_held_order(client, login, queued):
    mapping, order = queued
    login("reviewer")

    response = client.post(f"/channels/sku-mappings/{mapping.id}?lang=en", data={"sku": "6909999999999"})

    assert response.status_code == 302
    order = reload(order)
    assert order.status != states.ON_HOLD and order.lines[0].sku_code == "TEA-PUER-357"
    page = client.get("/channels/sku-mappings?show=resolved&lang=en").get_data(as_text=True)
    assert "TB-GIFT-BOX mapped to TEA-PUER-357: 1 order(s) re-linked, 1 released from hold" in page
    assert "Mapped by reviewer1" in page


def test_an_unknown_code_is_a_clear_error_and_nothing_changes(client, login, queued):
    mapping, order = queued
    login("reviewer")

    response = client.post(f"/channels/sku-mappings/{mapping.id}?lang=en", data={"sku": "NOPE"})

    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "No SKU with code or barcode &#39;NOPE&#39;" in page
    typed = re.search(rf'<input[^>]*\bid="f-m{mapping.id}-sku"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in typed and 'class="sku-search"' in typed and 'value="NOPE"' in typed
    db.session.expire_all()
    assert db.session.get(SkuMapping, mapping.id).sku_id is None and reload(order).status == states.ON_HOLD


def test_the_search_answers_json(client, login, queued):
    login("reviewer")

    body = client.get("/channels/sku-mappings/skus?q=普洱").json

    assert [s["code"] for s in body["skus"]] == ["TEA-PUER-357"]


def test_pickers_may_not_see_or_map(client, login, queued):
    mapping, _order = queued
    login("picker")

    assert client.get("/channels/sku-mappings").status_code == 403
    assert client.post(f"/channels/sku-mappings/{mapping.id}", data={"sku": "TEA-PUER-357"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(SkuMapping, mapping.id).sku_id is None


def test_every_string_of_the_page_has_a_chinese_translation(client, login, queued):
    catalogue = json.loads((ROOT / "wms/translations/zh_CN/taobao.json").read_text(encoding="utf-8"))
    template = (ROOT / "templates/channels/sku_mappings.html").read_text(encoding="utf-8")
    pages = (ROOT / "wms/channels/mapping_pages.py").read_text(encoding="utf-8")
    keys = set(re.findall(r"_\('([^']+)'", template)) | set(re.findall(r'_\("([^"]+)"', pages))
    keys |= {"Waiting for a SKU", "Mapped", "All"}

    assert keys and sorted(keys - set(catalogue)) == []
    login("reviewer")
    page = client.get("/channels/sku-mappings?lang=zh_CN").get_data(as_text=True)
    assert "商品对应" in page and "平台商品编码" in page
