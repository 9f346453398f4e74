"""Settings forms: an adapter's settings (a JSON object on its row) as fields a person fills in.

Why: channel and carrier settings were one JSON textarea, so a tracking push salt had to be typed
into JSON and a typo showed only when a sync failed. Each adapter kind declares its fields once
(`SettingField`: name, type, required, help, secret); the page draws its form from that list and
the service checks what comes back with the marshmallow schema built from the same list. Keys no
field covers stay editable as JSON under "advanced", so nothing an adapter reads is out of reach.

Secrets never travel back to the browser: their input shows empty ("saved; leave empty to keep") and
an empty post keeps the stored value; in the advanced JSON a secret's value shows as MASK, and MASK
posted back keeps it too. A refusal names every wrong field (`details["fields"]`, English templates
with their values, so each reader sees them in their language: wms.forms.field_errors).
"""
import copy
import json
from dataclasses import dataclass
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields
from marshmallow.validate import Length, OneOf, Range

from wms.errors import ValidationFailed

MASK = "********"
TYPES = ("text", "url", "integer", "money", "list", "choice", "bool")
ADVANCED = "settings"  # the advanced JSON's input name (the old textarea's, so old posts still land there)
LIST_SEPARATORS = (",", "，", "、", ";", "；", "\n")

REFUSED = "Some settings need correcting: see the marked fields"
PROBLEMS = {
    "required": "Required",
    "integer": "Enter a whole number from {minimum} to {maximum}",
    "money": "Enter an amount in yuan, e.g. 12.50",
    "url": "Enter an address starting with http:// or https://",
    "choice": "Choose one of the listed values",
    "text": "At most {max_length} characters",
    "list": "Enter names separated by commas, at most {max_length} characters each",
    "bool": "Tick or untick",
}


@dataclass(frozen=True)
class SettingField:
    """One setting: its key ("sender.phone" is a key of the nested "sender" object), English label
    and help (translated on the page), type (TYPES), and whether it is required or secret."""

    name: str
    label: str
    type: str = "text"
    help: str = ""
    required: bool = False
    secret: bool = False
    choices: tuple = ()          # (value, English label) pairs of a "choice"
    minimum: int = 0             # bounds of an "integer"
    maximum: int = 2**31 - 1
    max_length: int = 200        # of a "text" (or each entry of a "list")
    placeholder: str = ""

    @property
    def path(self):
        return tuple(self.name.split("."))

    def problem(self):
        """(English template, values) said when this field's value is wrong."""
        return PROBLEMS[self.type], {"minimum": self.minimum, "maximum": self.maximum, "max_length": self.max_length}


class SettingsForm:
    """The fields of one adapter kind; `prefix` makes their input names unique on a page that holds
    several kinds' forms (e.g. "s.shopify."), `masked` are the keys shown as MASK in the advanced JSON
    (the secrets of every kind of the family, so switching a channel's platform shows no old secret)."""

    def __init__(self, kind, settings_fields, *, prefix="", masked=frozenset(), reserved=frozenset()):
        for field in settings_fields:
            assert field.type in TYPES, field
        self.kind, self.fields, self.prefix = kind, tuple(settings_fields), prefix
        self.masked = frozenset(masked) | {f.path[-1] for f in self.fields if f.secret}
        self.reserved = frozenset(reserved)  # keys the page sets itself (e.g. a carrier's adapter)
        self._page_schema = Schema.from_dict({f"f{i}": _page_field(f) for i, f in enumerate(self.fields)})()
        self._stored_schema = Schema.from_dict({f"f{i}": _stored_field(f) for i, f in enumerate(self.fields)})()

    def input_name(self, field):
        return self.prefix + field.name

    # --- to the page ---------------------------------------------------------------------------

    def page_values(self, settings):
        """{input name: text} of the stored settings; secrets are never included."""
        values = {}
        for field in self.fields:
            value = _get(settings or {}, field.path)
            if value is not None and not field.secret:
                values[self.input_name(field)] = _shown(field, value)
        return values

    def stored_secrets(self, settings):
        """Input names of the secrets that have a stored value (the page says "saved")."""
        return {self.input_name(f) for f in self.fields if f.secret and _get(settings or {}, f.path) not in (None, "")}

    def advanced_text(self, settings):
        """The settings no field covers, as indented JSON, secrets masked."""
        rest = _without(copy.deepcopy(settings or {}), [f.path for f in self.fields] + [(k,) for k in self.reserved])
        return json.dumps(_mask(rest, self.masked), ensure_ascii=False, indent=2)

    # --- from the page -------------------------------------------------------------------------

    def read_page(self, posted, current=None):
        """The settings a page posted (its fields + the advanced JSON), checked; secrets left empty and
        MASK values keep the `current` ones. Raises ValidationFailed naming every wrong input."""
        current = current or {}
        problems = {}
        settings = self._advanced(posted.get(ADVANCED, ""), current, problems)
        typed, names = {}, {}
        for index, field in enumerate(self.fields):
            text = _text(posted, self.input_name(field), field)
            if text == "" and field.secret and _get(current, field.path) not in (None, ""):
                _put(settings, field.path, _get(current, field.path))
            elif text == "" and field.required:
                problems[self.input_name(field)] = {"message": PROBLEMS["required"], "values": {}}
            elif text != "" or field.type == "bool":   # an unticked box is a value too (False)
                typed[f"f{index}"], names[f"f{index}"] = text, field
        problems.update(self._load(self._page_schema, typed, names, self.input_name))
        if problems:
            raise refusal(problems)
        for key, value in self._page_schema.load(typed).items():
            _put(settings, names[key].path, _stored(names[key], value))
        return settings

    def check(self, settings):
        """Stored-shape settings (a dict, from the API or the command line) checked field by field;
        missing fields are allowed (a sandbox fills some in), unknown keys are kept as they are."""
        if not isinstance(settings, dict):
            raise ValidationFailed('Settings must be a JSON object, e.g. {"base_url": "..."}', field=ADVANCED)
        present, names = {}, {}
        for index, field in enumerate(self.fields):
            value = _get(settings, field.path)
            if value is not None:
                present[f"f{index}"], names[f"f{index}"] = value, field
        problems = self._load(self._stored_schema, present, names, lambda field: field.name)
        if problems:
            raise refusal(problems)
        return settings

    def _load(self, schema, data, names, input_name):
        try:
            schema.load(data)
        except ValidationError as error:
            return {input_name(names[key]): _problem(names[key]) for key in error.messages}
        return {}

    def _advanced(self, text, current, problems):
        try:
            settings = json.loads((text or "").strip() or "{}")
        except ValueError as error:
            problems[ADVANCED] = {"message": "Not valid JSON: {error}", "values": {"error": str(error)}}
            return {}
        if not isinstance(settings, dict):
            problems[ADVANCED] = {"message": 'Enter a JSON object, e.g. {"key": "value"}', "values": {}}
            return {}
        taken = [".".join(f.path) for f in self.fields if _get(settings, f.path) is not None]
        taken += [key for key in self.reserved if key in settings]
        if taken:
            problems[ADVANCED] = {"message": "These keys have their own field on this form: {keys}",
                                  "values": {"keys": ", ".join(taken)}}
        return _unmask(settings, current)


def refusal(problems):
    """The ValidationFailed of a form: `field` the first wrong input, `fields` every one of them."""
    return ValidationFailed(REFUSED, field=next(iter(problems)), fields=problems)


class SettingsFamily:
    """The forms of every kind one row may take (a channel's platforms, a carrier's adapters), drawn
    on one page with `prefix` + kind in their input names; an unknown kind has no fields (all JSON)."""

    def __init__(self, prefix, forms, *, common=(), reserved=frozenset()):
        secrets = {f.path[-1] for group in list(forms.values()) + [common] for f in group if f.secret}
        self.forms = {kind: SettingsForm(kind, tuple(common) + tuple(group), prefix=f"{prefix}{kind}.",
                                         masked=secrets, reserved=reserved) for kind, group in forms.items()}
        self._bare = {"prefix": prefix, "masked": secrets, "reserved": reserved}

    def form(self, kind):
        """The form of `kind`; a kind without declared fields gets an empty one (its settings are JSON)."""
        if kind not in self.forms:
            self.forms[kind] = SettingsForm(kind, (), prefix=f"{self._bare['prefix']}{kind}.",
                                            masked=self._bare["masked"], reserved=self._bare["reserved"])
        return self.forms[kind]


# --- marshmallow fields -------------------------------------------------------------------------

class _Words(fields.Field):
    """A list of names typed as "a, b、c" (or one per line) on the page."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value)
        for separator in LIST_SEPARATORS[1:]:
            text = text.replace(separator, LIST_SEPARATORS[0])
        return [word.strip() for word in text.split(LIST_SEPARATORS[0]) if word.strip()]


def _page_field(field):
    """The marshmallow field that reads this setting as the page posts it (text)."""
    if field.type == "integer":
        return fields.Integer(validate=Range(field.minimum, field.maximum))
    if field.type == "money":
        return fields.Decimal(places=2, validate=Range(min=0, max=10**7))
    if field.type == "url":
        return fields.Url(schemes={"http", "https"}, require_tld=False)
    if field.type == "choice":
        return fields.String(validate=OneOf([value for value, _label in field.choices]))
    if field.type == "list":
        return _Words(validate=lambda words: all(len(w) <= field.max_length for w in words))
    if field.type == "bool":
        return fields.Boolean(truthy={"on", "1", "true", "yes"}, falsy={"", "0", "off", "false", "no"})
    return fields.String(validate=Length(max=field.max_length))


def _stored_field(field):
    """The marshmallow field that checks this setting as it is stored (JSON types)."""
    if field.type in ("integer", "money"):
        return fields.Integer(strict=True, validate=Range(field.minimum if field.type == "integer" else 0,
                                                          field.maximum))
    if field.type == "list":
        return fields.List(fields.String(validate=Length(max=field.max_length)))
    if field.type == "bool":
        return fields.Boolean(truthy={True}, falsy={False})
    return _page_field(field)


def _problem(field):
    template, values = field.problem()
    return {"message": template, "values": values}


# --- values -------------------------------------------------------------------------------------

def _text(posted, name, field):
    if field.type == "bool":
        return "on" if posted.get(name) not in (None, "", "0", "off") else ""
    return str(posted.get(name) or "").strip()


def _stored(field, value):
    if field.type == "money":
        return int(value * 100)
    return value


def _shown(field, value):
    if field.type == "money" and isinstance(value, int):
        return str((Decimal(value) / 100).quantize(Decimal("0.01")))
    if field.type == "list" and isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if field.type == "bool":
        return "on" if value else ""
    return str(value)


def _get(settings, path):
    node = settings
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _put(settings, path, value):
    node = settings
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value


def _without(settings, paths):
    """`settings` less every path (and the nested objects left empty by it)."""
    for path in paths:
        parent = _get(settings, path[:-1]) if len(path) > 1 else settings
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
            if len(path) > 1 and not parent:
                _without(settings, [path[:-1]])
    return settings


def _mask(node, masked):
    if isinstance(node, dict):
        return {key: MASK if key in masked and value not in (None, "") else _mask(value, masked)
                for key, value in node.items()}
    return node


def _unmask(node, current):
    """MASK values posted back take the current value of the same key (dropped when there is none)."""
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        here = current.get(key) if isinstance(current, dict) else None
        if value == MASK:
            if here not in (None, ""):
                result[key] = here
        else:
            result[key] = _unmask(value, here)
    return result
