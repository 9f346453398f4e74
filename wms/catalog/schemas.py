"""The SKU row schema: one spreadsheet row or form post, checked field by field."""
from decimal import Decimal, InvalidOperation

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates

from wms.catalog.columns import split_barcodes

_BARCODE = validate.Regexp(r"^[A-Za-z0-9\-_.]{1,64}$", error="'{input}' is not a barcode (letters, digits, - _ .)")


class BarcodeList(fields.Field):
    """A list of barcodes, from a list or from one cell separated by | ; , or spaces."""

    def _deserialize(self, value, attr, data, **kwargs):
        items = split_barcodes(value) if isinstance(value, str) else [str(v).strip() for v in (value or [])]
        for item in items:
            _BARCODE(item)
        return items

    def _serialize(self, value, attr, obj, **kwargs):
        return [b.barcode if hasattr(b, "barcode") else b for b in (value or [])]


class DeclaredValue(fields.Field):
    """A declared unit value typed as money ("12.50") into integer cents; blank is 0."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int):
            cents = value
        else:
            try:
                amount = Decimal(str(value).strip() or "0")
            except InvalidOperation:
                raise ValidationError("A declared value is an amount such as 12.50") from None
            if amount != amount.quantize(Decimal("0.01")):
                raise ValidationError("A declared value has at most 2 decimals")
            cents = int(amount * 100)
        if not 0 <= cents <= 100_000_000:
            raise ValidationError("A declared value is between 0 and 1,000,000")
        return cents


def _size(name):
    return fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000,
                                                                   error=f"{name} must be between 0 and 10,000,000"))


class SkuRowSchema(Schema):
    """code and name required; numbers are whole grams / millimetres, blank means 0."""

    class Meta:
        unknown = EXCLUDE

    code = fields.String(required=True, validate=[validate.Length(min=1, max=64),
                                                  validate.Regexp(r"^\S+$", error="A SKU code has no spaces")])
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    barcodes = BarcodeList(load_default=list)
    weight_g = _size("Weight")
    length_mm = _size("Length")
    width_mm = _size("Width")
    height_mm = _size("Height")
    image_url = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    # below this many available units the stock page lists the SKU under "below minimum" (0: no minimum)
    min_qty = fields.Integer(load_default=0, validate=validate.Range(
        min=0, max=10_000_000, error="A minimum stock must be between 0 and 10,000,000"))
    # Customs (报关信息): checked for form here, for completeness when a parcel leaves China.
    customs_name_cn = fields.String(load_default="", validate=validate.Length(max=120))
    customs_name_en = fields.String(load_default="", validate=[
        validate.Length(max=120), validate.Regexp(r"^[\x20-\x7e]*$", error="An English name uses Latin letters only")])
    hs_code = fields.String(load_default="", validate=validate.Regexp(
        r"^(\d{6,10})?$", error="An HS code is 6 to 10 digits"))
    declared_value_cents = DeclaredValue(load_default=0)
    declared_currency = fields.String(load_default="USD", validate=validate.Regexp(
        r"^[A-Z]{3}$", error="A declared currency is a three-letter code such as USD"))
    origin_country = fields.String(load_default="", validate=validate.Regexp(
        r"^([A-Z]{2})?$", error="A country of origin is a two-letter code such as CN"))
    material = fields.String(load_default="", validate=validate.Length(max=120))

    @pre_load
    def _clean(self, data, **kwargs):
        cleaned = {}
        for key, value in data.items():
            if isinstance(value, str):
                value = value.strip()
                if value == "" and key not in ("code", "name"):
                    continue  # blank optional cell -> default
                if key in ("weight_g", "length_mm", "width_mm", "height_mm", "min_qty") and value.endswith(".0"):
                    value = value[:-2]  # Excel's 200.0
                if key in ("declared_currency", "origin_country"):
                    value = value.upper()
                if key == "hs_code":
                    value = value.replace(".", "").replace(" ", "")   # 9617.00 as customs print it
            cleaned[key] = value
        return cleaned

    @validates("image_url")
    def _image_url(self, value, **kwargs):
        if value and not (value.startswith(("http://", "https://", "/"))):
            raise ValidationError("An image URL starts with http://, https:// or /")


def first_errors(messages):
    """[(field, reason)] from marshmallow's error dict, one reason per field."""
    pairs = []
    for field, reasons in messages.items():
        if isinstance(reasons, dict):  # nested (list items): flatten
            reasons = [r for sub in reasons.values() for r in (sub if isinstance(sub, list) else [sub])]
        reason = reasons[0] if isinstance(reasons, list) and reasons else str(reasons)
        pairs.append((field, str(reason)))
    return pairs
