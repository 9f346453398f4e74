"""From a seller's spreadsheet to our order records. Pure: stdlib only.

A spreadsheet row is `{their header: text}`. A *mapping* says which of their columns feeds each of
our file fields (`{"buyer_name": "收件人"}`; a list of headers means "the first non-empty one").
`read_orders` folds consecutive rows with the same order number into one
order (order fields from the first row that has them, one line per row - Shopify's export and most
Chinese platform exports look like that); `LineFile` joins lines that arrive in a separate file by
order number; `to_record` turns one grouped order into the canonical record (money in yuan ->
integer cents via Decimal, counts -> int, dates -> datetime), reporting per row what it could not
read.
"""
import re
import sqlite3
import tempfile
from datetime import datetime
from decimal import Decimal, InvalidOperation
from operator import itemgetter

from wms.imports import validation

# Our file fields, in template order. Money is written in yuan in files ("99.00").
ORDER_FIELDS = (
    "external_id", "ordered_at", "buyer_name", "buyer_phone", "buyer_email", "country", "province",
    "city", "district", "address", "postcode", "total", "currency", "payment_status", "buyer_remark",
    "seller_note", "tags", "priority", "carrier_code",
)
LINE_FIELDS = ("sku_code", "name", "qty", "unit_price")
FIELDS = ORDER_FIELDS + LINE_FIELDS
REQUIRED_FIELDS = ("external_id", "sku_code")

# Our template's headers (English, Chinese); both are recognised on upload.
TEMPLATE_HEADERS = {
    "external_id": ("Order number", "订单号"),
    "ordered_at": ("Order time", "下单时间"),
    "buyer_name": ("Buyer name", "收件人"),
    "buyer_phone": ("Phone", "手机"),
    "buyer_email": ("Email", "邮箱"),
    "country": ("Country", "国家"),
    "province": ("Province", "省"),
    "city": ("City", "市"),
    "district": ("District", "区"),
    "address": ("Address", "详细地址"),
    "postcode": ("Postcode", "邮编"),
    "total": ("Order total", "订单金额"),
    "currency": ("Currency", "币种"),
    "payment_status": ("Payment status", "付款状态"),
    "buyer_remark": ("Buyer remark", "买家留言"),
    "seller_note": ("Seller note", "卖家备注"),
    "tags": ("Tags", "标签"),
    "priority": ("Priority", "优先级"),
    "carrier_code": ("Carrier", "快递"),
    "sku_code": ("SKU", "商品编码"),
    "name": ("Item name", "商品名称"),
    "qty": ("Quantity", "数量"),
    "unit_price": ("Unit price", "单价"),
}
# Other headers seen in Chinese platform exports, recognised when guessing a mapping.
ALIASES = {
    "external_id": ("订单编号", "外部订单号", "平台单号", "订单号码", "order_no", "order id", "order number"),
    "ordered_at": ("下单时间", "订单创建时间", "创建时间", "付款时间", "created at"),
    "buyer_name": ("收货人", "收件人姓名", "收货人姓名", "consignee", "recipient"),
    "buyer_phone": ("手机号", "联系电话", "收货人手机", "电话", "mobile", "telephone"),
    "province": ("省份",), "city": ("城市",), "district": ("区县", "县区"),
    "address": ("收货地址", "地址", "街道地址", "street"),
    "total": ("实付金额", "订单总额", "total"),
    "payment_status": ("支付状态", "订单状态"),
    "buyer_remark": ("买家备注", "留言"),
    "seller_note": ("卖家备忘", "备注"),
    "carrier_code": ("物流公司", "快递公司"),
    "sku_code": ("商家编码", "sku编码", "商品sku", "条码"),
    "name": ("商品标题", "宝贝标题", "品名"),
    "qty": ("购买数量", "件数", "qty"),
    "unit_price": ("价格", "商品单价", "price"),
}

# Shopify's orders export (Admin > Orders > Export): one row per line item, the order's own
# columns filled on its first row only; "Name" (#1001) repeats on every row.
SHOPIFY_SIGNATURE = {"Name", "Financial Status", "Lineitem quantity", "Lineitem sku", "Lineitem name"}
SHOPIFY_MAPPING = {
    "external_id": "Name",
    "ordered_at": ["Created at", "Paid at"],
    "buyer_name": ["Shipping Name", "Billing Name"],
    "buyer_phone": ["Shipping Phone", "Phone", "Billing Phone"],
    "buyer_email": "Email",
    "country": ["Shipping Country", "Billing Country"],
    "province": ["Shipping Province Name", "Shipping Province"],
    "city": "Shipping City",
    "address": ["Shipping Street", "Shipping Address1"],
    "postcode": "Shipping Zip",
    "total": "Total",
    "currency": "Currency",
    "payment_status": "Financial Status",
    "buyer_remark": "Notes",
    "tags": "Tags",
    "sku_code": "Lineitem sku",
    "name": "Lineitem name",
    "qty": "Lineitem quantity",
    "unit_price": "Lineitem price",
}

# Channel and Chinese spellings of a payment status -> ours.
PAYMENT_WORDS = {
    "paid": "paid", "已付款": "paid", "已支付": "paid", "付款": "paid", "partially_refunded": "paid",
    "pending": "pending", "待付款": "pending", "未付款": "pending", "authorized": "pending",
    "partially_paid": "pending", "unpaid": "pending",
    "refunded": "refunded", "已退款": "refunded", "退款": "refunded", "voided": "refunded",
}


def template_headers(language="en"):
    """Our template's header row in English or Chinese."""
    index = 1 if language.startswith("zh") else 0
    return [TEMPLATE_HEADERS[field][index] for field in FIELDS]


def is_shopify_export(headers):
    """True when the headers are those of Shopify's orders export."""
    return SHOPIFY_SIGNATURE <= set(headers)


def guess_mapping(headers):
    """Best guess of {our field: their header}: Shopify's export, our template, known aliases."""
    if is_shopify_export(headers):
        present = set(headers)
        # "Id" is the order id the Shopify API (and our Shopify sync) uses; "Name" (#1001) otherwise.
        mapping = {"external_id": "Id"} if "Id" in present else {}
        for field, source in SHOPIFY_MAPPING.items():
            if field in mapping:
                continue
            names = [source] if isinstance(source, str) else source
            names = [n for n in names if n in present]
            if names:
                mapping[field] = names if len(names) > 1 else names[0]
        return mapping
    by_name = {_norm(h): h for h in headers}
    mapping = {}
    for field in FIELDS:
        for candidate in (field, *TEMPLATE_HEADERS[field], *ALIASES.get(field, ())):
            header = by_name.get(_norm(candidate))
            if header is not None and header not in mapping.values():
                mapping[field] = header
                break
    return mapping


def _norm(text):
    return re.sub(r"[\s_\-*:：()（）]", "", text).lower()


def check_mapping(mapping, headers, *, lines_separate=False):
    """Problems with a mapping against a file's headers, as [(field, reason)]; [] if usable."""
    present = set(headers)
    problems = []
    for field, source in mapping.items():
        if field not in FIELDS:
            problems.append((field, "Unknown field."))
            continue
        for header in ([source] if isinstance(source, str) else source):
            if header not in present:
                problems.append((field, f"Column '{header}' is not in the file."))
    needed = ("external_id",) if lines_separate else REQUIRED_FIELDS
    problems += [(f, "Map a column to this field.") for f in needed if not mapping.get(f)]
    return problems


def compile_mapping(mapping, headers):
    """[(field, (column index, ...))] for the fields the mapping feeds from these headers."""
    position = {h: i for i, h in enumerate(headers) if h}
    compiled = []
    for field in FIELDS:
        source = mapping.get(field)
        if not source:
            continue
        names = (source,) if isinstance(source, str) else tuple(source)
        indexes = tuple(position[h] for h in names if h in position)
        if indexes:
            compiled.append((field, indexes))
    return compiled


def _cell(cells, indexes, size):
    for i in indexes:
        if i < size and cells[i]:
            return cells[i]
    return ""


def mapped_rows(headers, rows, mapping):
    """(row number, {our field: text}) with empty cells left out, for rows of cells."""
    compiled = compile_mapping(mapping, headers)
    for number, cells in rows:
        size = len(cells)
        mapped = {}
        for field, indexes in compiled:
            value = _cell(cells, indexes, size)
            if value:
                mapped[field] = value
        yield number, mapped


# --- grouping rows into orders -----------------------------------------------------------

class OrderGroup:
    """One order as read from the file: order fields, its line rows, the rows it came from.

    A group read by a FilePlan keeps its rows' cells and folds them into `fields` and `lines`
    only when asked (FilePlan.clean turns well-formed orders into records without that step).
    """

    __slots__ = ("external_id", "rows", "problems", "cells", "plan", "_fields", "_lines")

    def __init__(self, external_id, row_number, plan=None, cells=None):
        self.external_id = external_id
        self.rows = [row_number]
        self.problems = []    # [(row, field, reason)] found while reading
        self.plan = plan
        self.cells = cells if cells is not None else []   # [(row number, [cell text])]
        self._fields = None if plan is not None else {}
        self._lines = None if plan is not None else []    # [(row number, {line field: text})]

    @property
    def first_row(self):
        return self.rows[0]

    @property
    def folded(self):
        """True once fields/lines were built (or edited): the plan's fast path no longer applies."""
        return self._fields is not None

    @property
    def fields(self):
        if self._fields is None:
            self._fold()
        return self._fields

    @fields.setter
    def fields(self, value):
        self.lines  # fold first: lines and fields are built together
        self._fields = value

    @property
    def lines(self):
        if self._lines is None:
            self._fold()
        return self._lines

    @lines.setter
    def lines(self, value):
        self.fields
        self._lines = value

    def _fold(self):
        """Order fields from the first row that has them; one line per row with line fields."""
        fields, lines = {}, []
        for number, cells in self.cells:
            size = len(cells)
            for field, indexes in self.plan.order_part:
                if field not in fields:
                    value = _cell(cells, indexes, size)
                    if value:
                        fields[field] = value
            line = {}
            for field, indexes in self.plan.line_part:
                value = _cell(cells, indexes, size)
                if value:
                    line[field] = value
            if line:
                lines.append((number, line))
        self._fields, self._lines = fields, lines


_ORDER_ONLY = frozenset(ORDER_FIELDS) - {"external_id"}
_LINE_ONLY = frozenset(LINE_FIELDS)


def read_orders(headers, rows, mapping):
    """Fold consecutive rows (row number, [cells]) with the same order number into OrderGroups.

    Order fields come from the first row that has them; each row with line fields is a line. A
    row with no order number continues the order above it (merged cells in Excel exports).
    """
    return FilePlan(headers, mapping).groups(rows)


class FilePlan:
    """A column mapping compiled against one file's headers (column indexes per field, read once
    per file), grouping rows into orders and turning well-formed orders straight into clean
    records (`clean`). Anything unusual is left to to_record + validation.validate_record, which
    remain the definition: `clean` returns exactly their clean record, or None to defer to them.
    """

    def __init__(self, headers, mapping, tz=None):
        compiled = compile_mapping(mapping, headers)
        self.key = dict(compiled).get("external_id", ())
        self.order_part = [(f, ix) for f, ix in compiled if f in _ORDER_ONLY]
        self.line_part = [(f, ix) for f, ix in compiled if f in _LINE_ONLY]
        self.tz = tz
        # (field, its one column index (or its indexes), its indexes, converter)
        self._order_plan = [(f, ix[0] if len(ix) == 1 else ix, ix, _ORDER_CONVERTERS[f]) for f, ix in self.order_part]
        present = {f for f, _ix in self.order_part}
        self._defaults = {f: (d() if callable(d) else d) for f, d in _DEFAULTS.items()
                          if _FILE_FIELD.get(f, f) not in present}
        line = dict(self.line_part)
        self._line_ix = tuple(line.get(f, ()) for f in LINE_FIELDS)
        # the four line cells in one C call, when each comes from one column and the row is wide enough
        single = all(len(ix) == 1 for ix in self._line_ix)
        self._line_cells = itemgetter(*(ix[0] for ix in self._line_ix)) if single else None
        self._line_width = max(ix[0] for ix in self._line_ix) + 1 if single else 0

    def groups(self, rows):
        """OrderGroups from rows (row number, [cells]) in file order (see read_orders)."""
        key = self.key
        single = key[0] if len(key) == 1 else None
        current = None
        for number, cells in rows:
            if single is not None:
                external_id = cells[single] if single < len(cells) else ""
            else:
                external_id = _cell(cells, key, len(cells))
            if current is None or (external_id and external_id != current.external_id):
                if current is not None:
                    yield current
                current = OrderGroup(external_id, number, self, [(number, cells)])
                if not external_id:
                    current.problems.append((number, "external_id", validation.MISSING))
            else:
                current.rows.append(number)
                current.cells.append((number, cells))
        if current is not None:
            yield current

    def clean(self, group):
        """The clean record of a well-formed order read by this plan, or None: then
        to_record + validate_record decide (and name the row, field and reason of any problem)."""
        if group.plan is not self or group.folded or group.problems:
            return None
        external_id = group.external_id
        if len(external_id) > 64 or not external_id.strip():
            return None
        rows = group.cells
        first = rows[0][1]
        size = len(first)
        record = {"external_id": external_id.strip()}
        try:
            for field, index, indexes, convert in self._order_plan:
                if index.__class__ is int:
                    value = first[index] if index < size else ""
                else:
                    value = _cell(first, indexes, size)
                if not value:
                    for _number, cells in rows[1:]:
                        value = _cell(cells, indexes, len(cells))
                        if value:
                            break
                    else:
                        name = _RECORD_FIELD.get(field, field)
                        record[name] = _DEFAULTS[name]() if name == "tags" else _DEFAULTS[name]
                        continue
                name, value = convert(self, field, value)
                record[name] = value
            record.update(self._defaults)
            if "tags" in self._defaults:
                record["tags"] = []
            lines = []
            sku_ix, name_ix, qty_ix, price_ix = self._line_ix
            line_cells, width = self._line_cells, self._line_width
            for _number, cells in rows:
                size = len(cells)
                if line_cells is not None and size >= width:
                    sku, name, qty, price = line_cells(cells)
                else:
                    sku = _cell(cells, sku_ix, size)
                    name = _cell(cells, name_ix, size)
                    qty = _cell(cells, qty_ix, size)
                    price = _cell(cells, price_ix, size)
                if not (sku or name or qty or price):
                    continue
                if not sku.strip() or len(sku) > 64 or len(name) > 255:
                    return None
                if qty:
                    qty = _int(qty)
                    if qty is None or qty < 1:
                        return None
                else:
                    qty = 1
                if price:
                    price = yuan_to_cents(price)
                    if price is None or price < 0:
                        return None
                else:
                    price = 0
                lines.append({"sku_code": sku.strip(), "name": name.strip(), "qty": qty, "unit_price_cents": price})
        except _Defer:
            return None
        if not lines:
            return None
        record["lines"] = lines
        return record


class _Defer(Exception):
    """A cell the fast path leaves to to_record + validate_record."""


# Converters: (plan, file field, non-empty cell text) -> (record field, clean value), exactly as
# to_record then validate_record would have it (checks on the text before stripping, as there).

def _text(limit):
    def convert(plan, field, value):
        if len(value) > limit:
            raise _Defer
        return field, value.strip()
    return convert


def _carrier(plan, field, value):
    if len(value) > 40:
        raise _Defer
    return field, value.strip() or None


def _email(plan, field, value):
    if validation.check_email(value):
        raise _Defer
    return field, value.strip()


def _upper(check, default):
    def convert(plan, field, value):
        value = value.strip().upper()
        if not value:
            return field, default
        if check(value):
            raise _Defer
        return field, value
    return convert


def _postcode(plan, field, value):
    value = value.lstrip("'")
    if len(value) > 20:
        raise _Defer
    return field, value.strip()


def _total(plan, field, value):
    cents = yuan_to_cents(value)
    if cents is None or cents < 0:
        raise _Defer
    return "total_cents", cents


def _ordered_at(plan, field, value):
    parsed = parse_datetime(value, plan.tz)
    if parsed is None:
        raise _Defer
    return field, parsed


def _priority(plan, field, value):
    number = _int(value)
    if number is None:
        raise _Defer
    return field, number


def _tag_list(plan, field, value):
    tags = _split_tags(value)
    if any(len(t) > 40 for t in tags):
        raise _Defer
    return field, tags


def _payment(plan, field, value):
    word = value.strip().lower()
    status = PAYMENT_WORDS.get(word, word)
    if status not in validation.PAYMENT_STATUSES:
        raise _Defer
    return field, status


_ORDER_CONVERTERS = {
    "ordered_at": _ordered_at, "buyer_name": _text(120), "buyer_phone": _text(40), "buyer_email": _email,
    "country": _upper(validation.check_country, "CN"), "province": _text(60), "city": _text(60),
    "district": _text(60), "address": _text(500), "postcode": _postcode, "total": _total,
    "currency": _upper(validation.check_currency, "CNY"), "payment_status": _payment, "buyer_remark": _text(2000),
    "seller_note": _text(2000), "tags": _tag_list, "priority": _priority, "carrier_code": _carrier,
}
# the clean record's defaults for fields the file leaves empty (validation.ORDER_SPEC's)
_DEFAULTS = {name: default for name, _kind, default, _check in validation.ORDER_SPEC
             if default is not validation.REQUIRED}
_RECORD_FIELD = {"total": "total_cents"}
_FILE_FIELD = {"total_cents": "total"}


class LineFile:
    """Lines from a separate file, spooled to a temporary SQLite index joined by order number.

    Memory stays flat whatever the file's order: rows are written to disk once, then fetched per
    chunk of orders with one query. Lines never claimed by an order are reported at the end.
    """

    def __init__(self, mapped_rows, directory=None):
        self._file = tempfile.NamedTemporaryFile(suffix=".sqlite", dir=directory)
        self._db = sqlite3.connect(self._file.name)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE line (row INTEGER PRIMARY KEY, order_no TEXT, sku TEXT, "
                         "name TEXT, qty TEXT, price TEXT, used INTEGER DEFAULT 0)")
        self._db.executemany("INSERT INTO line (row, order_no, sku, name, qty, price) VALUES (?,?,?,?,?,?)",
                             ((n, (m.get("external_id") or "").strip(), m.get("sku_code"), m.get("name"),
                               m.get("qty"), m.get("unit_price")) for n, m in mapped_rows))
        self._db.execute("CREATE INDEX line_order ON line (order_no)")
        self._db.commit()

    def attach(self, groups):
        """Add each group's lines from the line file (marking them used)."""
        by_id = {g.external_id: g for g in groups if g.external_id}
        ids = list(by_id)
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            for row, order_no, sku, name, qty, price in self._db.execute(
                    f"SELECT row, order_no, sku, name, qty, price FROM line WHERE order_no IN ({marks}) "
                    f"ORDER BY row", part):
                line = {k: v for k, v in (("sku_code", sku), ("name", name), ("qty", qty),
                                          ("unit_price", price)) if v}
                by_id[order_no].lines.append((row, line))
            self._db.execute(f"UPDATE line SET used = 1 WHERE order_no IN ({marks})", part)
        return groups

    def unclaimed(self):
        """(row, order number) of lines whose order was not in the orders file."""
        return self._db.execute("SELECT row, order_no FROM line WHERE used = 0 ORDER BY row")

    def close(self):
        self._db.close()
        self._file.close()


# --- one grouped order -> the canonical record -------------------------------------------

_INT_FIELDS = {"priority"}


def to_record(group, tz=None):
    """(record, problems) for an OrderGroup; problems are (row, field, reason) of unreadable cells."""
    problems = list(group.problems)
    row = group.first_row
    record = {"external_id": group.external_id}
    for field, value in group.fields.items():
        if field == "external_id":
            continue
        if field == "total":
            cents = yuan_to_cents(value)
            if cents is None:
                problems.append((row, "total", validation.NOT_MONEY))
            else:
                record["total_cents"] = cents
        elif field == "ordered_at":
            parsed = parse_datetime(value, tz)
            if parsed is None:
                problems.append((row, field, validation.NOT_DATETIME))
            else:
                record["ordered_at"] = parsed
        elif field == "priority":
            number = _int(value)
            if number is None:
                problems.append((row, field, validation.NOT_INTEGER))
            else:
                record["priority"] = number
        elif field == "tags":
            record["tags"] = _split_tags(value)
        elif field == "payment_status":
            word = value.strip().lower()
            record["payment_status"] = PAYMENT_WORDS.get(word, word)
        elif field in ("country", "currency"):
            record[field] = value.strip().upper()
        elif field == "postcode":
            record[field] = value.lstrip("'")
        else:
            record[field] = value
    lines = []
    for number, cells in group.lines:
        line = {}
        for field, value in cells.items():
            if field == "qty":
                qty = _int(value)
                if qty is None:
                    problems.append((number, "qty", validation.NOT_INTEGER))
                else:
                    line["qty"] = qty
            elif field == "unit_price":
                cents = yuan_to_cents(value)
                if cents is None:
                    problems.append((number, "unit_price", validation.NOT_MONEY))
                else:
                    line["unit_price_cents"] = cents
            else:
                line[field] = value
        lines.append(line)
    record["lines"] = lines
    return record, problems


_TAG_SEPARATORS = re.compile(r"[,，;；]")


def _split_tags(value):
    return [t.strip() for t in _TAG_SEPARATORS.split(value) if t.strip()]


_CENTS = {}  # amount text -> cents: a file repeats a few hundred prices
_CENTS_KEPT = 10_000


def yuan_to_cents(text):
    """'99.00' / '¥1,299.5' -> 9900 / 129950, exactly (integer arithmetic on plain 'digits[.dd]',
    Decimal for anything else); None if not an amount."""
    cents = _CENTS.get(text)
    if cents is None:
        cents = _yuan_to_cents(text)
        if cents is not None:
            if len(_CENTS) >= _CENTS_KEPT:
                _CENTS.clear()
            _CENTS[text] = cents
    return cents


def _yuan_to_cents(text):
    whole, dot, fraction = text.partition(".")
    if whole.isascii() and whole.isdigit() and (not dot or (
            fraction.isascii() and fraction.isdigit() and len(fraction) <= 2)):
        return int(whole) * 100 + (int(fraction) * (10 if len(fraction) == 1 else 1) if dot else 0)
    text = text.strip().lstrip("¥￥$").replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    cents = amount * 100
    if not cents.is_finite() or cents != cents.to_integral_value():
        return None
    return int(cents)


def _int(text):
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        return int(number) if number.is_finite() and number == number.to_integral_value() else None


_OFFSET = re.compile(r"\s+([+-]\d{2}:?\d{2})$")
_SIGNS = ("+", "-")


def parse_datetime(text, tz=None):
    """'2026-11-20 10:31', '2026/11/20 10:31:05', ISO, Shopify's '... +0800' -> naive UTC.

    A time without an offset is the warehouse's local time (`tz`, a tzinfo), or UTC if none.
    """
    text = text.strip().replace("/", "-")
    if text[-5:-4] in _SIGNS or text[-6:-5] in _SIGNS:  # the only places an offset can start
        text = _OFFSET.sub(r"\1", text)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return validation.to_naive_utc(value, tz)
