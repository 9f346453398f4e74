"""How a SKU spreadsheet's headers and barcode cells are read. Pure: stdlib only."""
import re

FIELDS = ("code", "name", "barcodes", "weight_g", "length_mm", "width_mm", "height_mm", "image_url", "min_qty")
# Customs (报关信息) columns, as the cross-border ERPs (店小秘, 马帮) export them.
CUSTOMS_FIELDS = ("customs_name_cn", "customs_name_en", "hs_code", "declared_value_cents", "declared_currency",
                  "origin_country", "material")

# header (lower-cased, spaces removed) -> our field; English and the usual Chinese exports.
HEADER_ALIASES = {
    "code": "code", "sku": "code", "skucode": "code", "sku_code": "code", "编码": "code", "商品编码": "code",
    "sku编码": "code", "货号": "code",
    "name": "name", "名称": "name", "商品名称": "name", "品名": "name",
    "barcodes": "barcodes", "barcode": "barcodes", "条码": "barcodes", "条形码": "barcodes", "商品条码": "barcodes",
    "weight_g": "weight_g", "weight": "weight_g", "weight(g)": "weight_g", "重量(g)": "weight_g", "重量（g）": "weight_g",
    "重量": "weight_g",
    "length_mm": "length_mm", "length": "length_mm", "长(mm)": "length_mm", "长（mm）": "length_mm", "长": "length_mm",
    "width_mm": "width_mm", "width": "width_mm", "宽(mm)": "width_mm", "宽（mm）": "width_mm", "宽": "width_mm",
    "height_mm": "height_mm", "height": "height_mm", "高(mm)": "height_mm", "高（mm）": "height_mm", "高": "height_mm",
    "image_url": "image_url", "image": "image_url", "图片": "image_url", "图片链接": "image_url", "图片url": "image_url",
    # the stock under which the stock page's "below minimum" lists the SKU (安全库存 in the ERPs' exports)
    "min_qty": "min_qty", "minimum": "min_qty", "min_stock": "min_qty", "minimum_stock": "min_qty",
    "reorder_point": "min_qty", "safety_stock": "min_qty", "安全库存": "min_qty", "最低库存": "min_qty",
    "库存下限": "min_qty", "最小库存": "min_qty",
    "customs_name_cn": "customs_name_cn", "declared_name_cn": "customs_name_cn", "中文报关名": "customs_name_cn",
    "中文申报品名": "customs_name_cn", "申报中文名": "customs_name_cn", "报关中文名": "customs_name_cn",
    "customs_name_en": "customs_name_en", "declared_name_en": "customs_name_en", "英文报关名": "customs_name_en",
    "英文申报品名": "customs_name_en", "申报英文名": "customs_name_en", "报关英文名": "customs_name_en",
    "hs_code": "hs_code", "hscode": "hs_code", "hs": "hs_code", "海关编码": "hs_code", "海关编码(hs)": "hs_code",
    "declared_value": "declared_value_cents", "customs_value": "declared_value_cents", "申报价值": "declared_value_cents",
    "申报单价": "declared_value_cents", "报关价值": "declared_value_cents",
    "declared_currency": "declared_currency", "customs_currency": "declared_currency", "申报币种": "declared_currency",
    "origin_country": "origin_country", "origin": "origin_country", "country_of_origin": "origin_country",
    "原产国": "origin_country", "原产地": "origin_country",
    "material": "material", "材质": "material", "报关材质": "material",
    # a kit's (组合装) components in one cell, e.g. `SKU-A*2; SKU-B` (wms.catalog.kit_rows)
    "kit_components": "kit_components", "kitcomponents": "kit_components", "components": "kit_components",
    "组合装明细": "kit_components", "组合明细": "kit_components", "子商品": "kit_components",
    "子商品明细": "kit_components", "组合商品明细": "kit_components",
}

_SEPARATORS = re.compile(r"[|;,，；\s]+")


def field_for_header(header):
    """Our field name for a spreadsheet header, or None for a column we don't read."""
    key = re.sub(r"\s+", "", (header or "")).lower()
    return HEADER_ALIASES.get(key)


def map_row(row):
    """{our field: cell text} from a {header: cell text} row; unknown columns are dropped."""
    mapped = {}
    for header, value in row.items():
        field = field_for_header(header)
        if field and field not in mapped:
            mapped[field] = value
    return mapped


def column_positions(headers):
    """{our field: index of the first header that maps to it} for a header row."""
    positions = {}
    for index, header in enumerate(headers):
        field = field_for_header(header)
        if field and field not in positions:
            positions[field] = index
    return positions


def missing_columns(headers):
    """Required fields that no header maps to."""
    present = {field_for_header(h) for h in headers}
    return [field for field in ("code", "name") if field not in present]


def split_barcodes(text):
    """Barcodes from one cell, separated by | ; , or spaces; duplicates dropped, order kept."""
    seen = []
    for part in _SEPARATORS.split(text or ""):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen
