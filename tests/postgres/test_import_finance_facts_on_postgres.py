"""Finance review's facts through PostgreSQL's COPY path: a file's orders are encoded by the reader
(wms.imports.encoded_orders) and COPYed; the COD / invoice flags and the lines' list prices (NULL
where the file has none) arrive as the SQLite path writes them, and a re-import that leaves the
columns out changes nothing. Run with TEST_DATABASE_URL=postgresql://...<throwaway db>."""
import pytest
from sqlalchemy import select

from tests.builders import make_sku
from tests.builders_finance import finance_channel
from tests.builders_imports import TEMPLATE_ZH, csv_text, no_review  # noqa: F401
from tests.postgres import needs_postgres
from wms.extensions import db
from wms.imports import file_run, file_upload
from wms.orders.models import Order

pytestmark = [needs_postgres, pytest.mark.usefixtures("no_review")]

ROW = ["2026-11-20 10:30", "张三", "13800138000", "浙江省", "杭州市", "西湖区", "文三路 90 号", "99.00", ""]


def run(tmp_path, channel, headers, rows, name):
    path = tmp_path / name
    path.write_text(csv_text(headers, rows), encoding="utf-8")
    return file_run.run_file_import(file_upload.create_file_job(channel.id, path).id)


def stored():
    db.session.expire_all()
    return {o.external_id: (o.cash_on_delivery, o.invoice_requested, [l.list_price_cents for l in o.lines])
            for o in db.session.scalars(select(Order)).all()}


def test_the_copy_path_writes_the_flags_and_list_prices_and_a_reimport_without_them_keeps_them(app, tmp_path):
    assert db.engine.dialect.name == "postgresql"
    make_sku("SKU-1")
    channel = finance_channel()
    rows = []
    for n in range(60):   # enough orders to go through the encoded (COPY) writer in chunks
        cod, invoice, listed = ("是" if n % 3 == 0 else "否"), ("杭州某某公司" if n % 4 == 0 else ""), \
            ("99.00" if n % 2 == 0 else "")
        rows.append([f"P{n:03d}", *ROW, "SKU-1", "T恤\t袜子\\", "1", "33.00", cod, invoice, listed])
        rows.append([f"P{n:03d}", *[""] * 9, "SKU-2", "", "2", "10.00", "", "", "12.50"])
    job = run(tmp_path, channel, TEMPLATE_ZH + ["货到付款", "发票抬头", "原价"], rows, "first.csv")
    assert (job.created, job.failed) == (60, 0)
    first = stored()
    assert first == {f"P{n:03d}": (n % 3 == 0, n % 4 == 0, [9900 if n % 2 == 0 else None, 1250])
                     for n in range(60)}
    again = run(tmp_path, channel, TEMPLATE_ZH, [row[:14] for row in rows], "again.csv")
    assert (again.created, again.updated, again.failed) == (0, 0, 0)
    assert stored() == first
