"""The SKU row schema: one spreadsheet row or form post, checked field by field."""
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

    @pre_load
    def _clean(self, data, **kwargs):
        cleaned = {}
        for key, value in data.items():
            if isinstance(value, str):
                value = value.strip()
                if value == "" and key not in ("code", "name"):
                    continue  # blank optional cell -> default
                if key in ("weight_g", "length_mm", "width_mm", "height_mm") and value.endswith(".0"):
                    value = value[:-2]  # Excel's 200.0
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
