"""A SKU's minimum stock (Sku.min_qty) is set on the SKU form and by the SKU import, and the stock
page's "below minimum" filter lists by it; a wrong value is refused, nothing saved."""
import io
import re

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tests.builders import make_sku
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from wms.catalog import sku_imports
from wms.catalog.models import Sku, SkuImportJob
from wms.extensions import db


def _input(page, input_id):
    return re.search(rf'<input[^>]*\bid="{input_id}"[^>]*>', page).group(0)


def _below_minimum(client):
    """The SKU codes the stock table lists under "below minimum"."""
    page = client.get("/inventory/stock?below=1").get_data(as_text=True)
    table = page[page.index('<table id="stock">'):]
    return re.findall(r'class="mono">([A-Z]+-\d+)</td>', table[:table.index("</table>")])


def _min_qty(code):
    db.session.expire_all()
    return db.session.scalar(select(Sku.min_qty).where(Sku.code == code))


def test_the_form_sets_the_minimum_and_the_stock_page_lists_the_sku_below_it(client, login):
    login("admin")
    created = client.post("/catalog/skus/new", data={"code": "CUP-1", "name": "Cup", "min_qty": "12"})
    assert created.status_code == 302 and _min_qty("CUP-1") == 12
    sku = db.session.scalars(select(Sku).where(Sku.code == "CUP-1")).one()
    page = client.get(f"/catalog/skus/{sku.id}").get_data(as_text=True)
    assert 'value="12"' in _input(page, "f-min-qty") and "Minimum stock" in page
    put_stock(make_bin(make_warehouse()), sku, 8)
    assert _below_minimum(client) == ["CUP-1"]   # 8 available < 12
    saved = client.post(f"/catalog/skus/{sku.id}", data={"name": "Cup", "min_qty": "5"})
    assert saved.status_code == 302 and _min_qty("CUP-1") == 5
    assert _below_minimum(client) == []


def test_a_wrong_minimum_is_refused_marked_and_nothing_is_saved(client, login):
    user = login("admin")
    sku = make_sku("CUP-2", min_qty=3)
    for typed in ("-1", "many", "20000000"):
        response = client.post(f"/catalog/skus/{sku.id}", data={"name": "Renamed", "min_qty": typed})
        page = response.get_data(as_text=True)
        assert response.status_code == 422, typed
        assert 'aria-invalid="true"' in _input(page, "f-min-qty") and f'value="{typed}"' in _input(page, "f-min-qty")
        assert _min_qty("CUP-2") == 3 and db.session.get(Sku, sku.id).name != "Renamed"
    user.locale = "zh_CN"
    db.session.commit()
    page = client.post(f"/catalog/skus/{sku.id}", data={"name": "Cup", "min_qty": "-1"}).get_data(as_text=True)
    assert "最低库存必须在 0 到 10,000,000 之间" in page


def _import(text):
    job = sku_imports.start_import(FileStorage(stream=io.BytesIO(text.encode("utf-8")), filename="skus.csv"))
    db.session.expire_all()
    return db.session.get(SkuImportJob, job.id)


def test_the_import_reads_the_minimum_in_english_or_chinese_and_a_blank_cell_keeps_it(app):
    job = _import("code,name,min_qty\nBOX-1,Box,20\nBOX-2,Crate,0\nBOX-3,Bag,-4\n")
    assert (job.status, job.created, job.refused) == ("done", 2, 1)
    assert (_min_qty("BOX-1"), _min_qty("BOX-2"), _min_qty("BOX-3")) == (20, 0, None)
    assert [(e["row"], e["field"]) for e in job.errors] == [(4, "min_qty")]
    job = _import("商品编码,商品名称,安全库存\nBOX-1,Box,\nBOX-2,Crate,7.0\n")   # blank keeps 20; Excel's 7.0 is 7
    assert (job.status, job.refused) == ("done", 0)
    assert (_min_qty("BOX-1"), _min_qty("BOX-2")) == (20, 7)
