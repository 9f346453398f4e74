"""SKU catalogue: barcodes unique across SKUs, edits, images, and CSV/XLSX import with a row report."""
import io

import pytest
from openpyxl import Workbook

from tests.builders import make_sku
from wms.catalog import services, sku_imports
from wms.catalog.columns import field_for_header, split_barcodes
from wms.catalog.models import Sku, SkuBarcode
from wms.errors import NotFound, ValidationFailed


def test_barcode_cells_split_on_pipes_semicolons_and_commas():
    assert split_barcodes("690123|690124; 690125,690123 ，690126") == ["690123", "690124", "690125", "690126"]


def test_chinese_headers_map_to_fields():
    assert [field_for_header(h) for h in ("商品编码", "商品名称", "条码", "重量(g)", "长(mm)", "图片", "备注")] == \
        ["code", "name", "barcodes", "weight_g", "length_mm", "image_url", None]


def test_a_sku_is_created_with_several_barcodes(app):
    sku = services.create_sku("TEA-1", "Green tea 250 g", barcodes=["6901", "6902"], weight_g=260,
                              length_mm=100, width_mm=60, height_mm=40)
    assert [b.barcode for b in sku.barcodes] == ["6901", "6902"]
    assert sku.volume_cm3 == 240


def test_a_barcode_of_another_sku_is_refused_naming_that_sku(app):
    make_sku("SKU-1", barcodes=("6901",))
    other = services.create_sku("SKU-2", "Other")
    with pytest.raises(ValidationFailed, match="Barcode 6901 already belongs to SKU SKU-1") as refused:
        services.add_barcode(other.id, "6901")
    assert refused.value.details["field"] == "barcodes"
    with pytest.raises(ValidationFailed, match="SKU-1"):
        services.create_sku("SKU-3", "Third", barcodes=["7000", "6901"])
    assert Sku.query.filter_by(code="SKU-3").count() == 0
    assert SkuBarcode.query.filter_by(barcode="7000").count() == 0


def test_barcodes_can_be_added_and_removed(app):
    sku = make_sku("SKU-1", barcodes=("6901",))
    services.add_barcode(sku.id, "6902")
    services.remove_barcode(sku.id, "6901")
    assert [b.barcode for b in sku.barcodes] == ["6902"]
    with pytest.raises(NotFound):
        services.remove_barcode(sku.id, "6901")


def test_a_sku_is_updated_but_its_code_is_fixed(app):
    sku = make_sku("SKU-1")
    services.update_sku(sku.id, name="Renamed", weight_g=500)
    assert (sku.name, sku.weight_g) == ("Renamed", 500)
    with pytest.raises(ValidationFailed):
        services.update_sku(sku.id, code="SKU-9")
    with pytest.raises(ValidationFailed, match="weight_g"):
        services.update_sku(sku.id, weight_g=-5)
    assert Sku.query.get(sku.id).weight_g == 500


def test_duplicate_sku_codes_are_refused(app):
    make_sku("SKU-1")
    with pytest.raises(ValidationFailed, match="already exists"):
        services.create_sku("SKU-1", "Again")


def test_an_uploaded_image_is_stored_and_served_by_name(app):
    sku = make_sku("SKU-1")
    services.save_image(sku.id, "photo.PNG", io.BytesIO(b"\x89PNG fake"))
    assert sku.image_url.startswith("/catalog/images/")
    name = sku.image_url.rsplit("/", 1)[1]
    assert services.image_path(name).read_bytes() == b"\x89PNG fake"
    with pytest.raises(ValidationFailed):
        services.save_image(sku.id, "notes.txt", io.BytesIO(b"hello"))
    with pytest.raises(NotFound):
        services.image_path("../test.sqlite")


def test_search_finds_by_code_name_or_barcode_and_pages(app):
    for n in range(5):
        make_sku(f"SKU-{n}", barcodes=(f"69000{n}",), name=f"Item {n}")
    assert services.search_skus("SKU-3")[1] == 1
    assert services.search_skus("690004")[0][0].code == "SKU-4"
    page2, total = services.search_skus("", page=2, per_page=2)
    assert total == 5 and [s.code for s in page2] == ["SKU-2", "SKU-3"]


def _csv(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "skus.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_import_upserts_good_rows_and_reports_bad_ones_by_row_and_field(app, tmp_path):
    make_sku("OLD-1", barcodes=("6900",), weight_g=100, length_mm=10)
    make_sku("TAKEN", barcodes=("7777",))
    path = _csv(tmp_path, "\n".join([
        "商品编码,商品名称,条码,重量(g),长(mm),宽(mm),高(mm),图片",
        "NEW-1,绿茶,6901|6902,250,100,60,40,https://img.example/1.png",   # 2: created
        "OLD-1,旧商品改名,,300,,,,",                                        # 3: updated; barcodes/length kept
        "BAD-1,,6903,10,1,1,1,",                                           # 4: name missing
        "BAD-2,坏重量,6904,abc,1,1,1,",                                     # 5: weight not a number
        "BAD-3,条码冲突,6905;7777,1,1,1,1,",                                # 6: 7777 belongs to TAKEN
        "NEW-2,第二个,6901,1,1,1,1,",                                       # 7: 6901 taken by NEW-1 (row 2)
    ]))
    job = sku_imports.import_now(path)
    assert (job.status, job.created, job.updated, job.refused) == ("done", 1, 1, 4)
    assert [(e["row"], e["field"]) for e in job.errors] == [(4, "name"), (5, "weight_g"), (6, "barcodes"), (7, "barcodes")]
    assert "TAKEN" in job.errors[2]["reason"] and "NEW-1" in job.errors[3]["reason"]
    new = Sku.query.filter_by(code="NEW-1").one()
    assert [b.barcode for b in new.barcodes] == ["6901", "6902"] and new.image_url == "https://img.example/1.png"
    old = Sku.query.filter_by(code="OLD-1").one()
    assert (old.name, old.weight_g, old.length_mm, [b.barcode for b in old.barcodes]) == ("旧商品改名", 300, 10, ["6900"])
    # a refused row left nothing behind: not the SKU, not its other barcode
    assert Sku.query.filter(Sku.code.in_(["BAD-1", "BAD-2", "BAD-3", "NEW-2"])).count() == 0
    assert SkuBarcode.query.filter_by(barcode="6905").count() == 0
    lines = sku_imports.report_path(job.id).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "row,code,field,reason" and lines[1].startswith("4,BAD-1,name,") and len(lines) == 5


def test_importing_the_same_file_twice_leaves_the_skus_unchanged_instead_of_duplicating(app, tmp_path):
    path = _csv(tmp_path, "code,name,barcodes\nA-1,Apple,111;112\n")
    assert sku_imports.import_now(path).created == 1
    second = sku_imports.import_now(path)
    assert (second.created, second.updated, second.unchanged, second.errors) == (0, 0, 1, [])
    assert Sku.query.count() == 1 and SkuBarcode.query.count() == 2


def test_import_reads_gbk_csv_and_xlsx(app, tmp_path):
    gbk = _csv(tmp_path, "编码,名称,条码\nG-1,茶叶,801\n", encoding="gbk")
    assert sku_imports.import_now(gbk).created == 1
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "barcodes", "weight_g"])
    sheet.append(["X-1", "Excel item", 6901234567892, 250.0])
    path = tmp_path / "skus.xlsx"
    book.save(path)
    job = sku_imports.import_now(path)
    assert job.created == 1 and job.errors == []
    sku = Sku.query.filter_by(code="X-1").one()
    assert sku.weight_g == 250 and sku.barcodes[0].barcode == "6901234567892"


def test_a_file_without_the_required_columns_fails_whole_and_imports_nothing(app, tmp_path):
    job = sku_imports.import_now(_csv(tmp_path, "foo,bar\n1,2\n"))
    assert job.status == "failed" and job.message.startswith("Missing column(s): code, name")
    assert Sku.query.count() == 0


def test_an_import_report_is_found_by_its_import_and_only_when_it_refused_rows(app, tmp_path):
    job = sku_imports.import_now(_csv(tmp_path, "code,name\n,No code\n"))
    assert "code" in sku_imports.report_path(job.id).read_text(encoding="utf-8")
    clean = sku_imports.import_now(_csv(tmp_path, "code,name\nC-1,Fine\n"))
    with pytest.raises(NotFound):
        sku_imports.report_path(clean.id)
    with pytest.raises(NotFound):
        sku_imports.report_path(999999)
