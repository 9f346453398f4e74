"""The pack stations' print settings: which printer a station's labels go to (none: the browser
prints the PDF), on which paper, with which ZPL font, and its default carrier. Packing's setup page
saves them here; the seal, the label renderer and the printer job read them."""
from sqlalchemy import select

from wms import aftercommit
from wms.errors import NotFound, ValidationFailed
from wms.extensions import db
from wms.settings_forms import SettingField, SettingsForm, refusal
from wms.shipping.labels import PAPER_SIZES
from wms.shipping.models import Carrier, PackStation
from wms.shipping.print_component import DEFAULT_URL

DEFAULT_PAPER = "100x150"

# The setup page's fields of a station: drawn from this list and checked by it (wms.settings_forms).
STATION_FORM = SettingsForm("station", (
    SettingField("code", "Code", required=True, max_length=64, placeholder="PS-1",
                 help="The bench's code; the tablet at the bench signs in with it. Cannot be changed later."),
    SettingField("name", "Name", max_length=120),
    SettingField("printer_host", "Label printer address", max_length=120, placeholder="192.168.1.50",
                 help="A network label printer that speaks ZPL. Empty: labels print from the browser as PDF."),
    SettingField("printer_port", "Printer port", "integer", minimum=1, maximum=65535, placeholder="9100",
                 help="The printer's raw port (default 9100)."),
    SettingField("zpl_font", "Printer font for Chinese", max_length=60, placeholder="E:SIMSUN.TTF",
                 help="A font stored on the printer. Empty: Chinese text is sent as pictures."),
    SettingField("paper", "Label paper (mm)", "choice", required=True, choices=tuple((p, p) for p in PAPER_SIZES)),
    SettingField("default_carrier_code", "Default carrier", max_length=40,
                 help="Labels sealed here go to this carrier when the rules leave the choice open."),
    SettingField("has_scale", "Scale attached", "bool", help="The station reads parcel weights from a scale."),
    SettingField("print_component_url", "Print component address", max_length=200, placeholder=DEFAULT_URL,
                 help="The print component (`打印组件`) running on this station's PC. The station's page sends "
                      "labels to it and shows whether it is connected. Empty: no print component."),
    SettingField("print_component_printer", "Print component printer", max_length=120,
                 help="The printer's name as the print component lists it. Empty: its default printer."),
    SettingField("print_component_template", "Print component template", max_length=300,
                 placeholder="https://cloudprint.cainiao.com/template/custom/…",
                 help="The address of the label template made in the print component's template editor; "
                      "the station fills it with the label's values."),
))
STATION_DEFAULTS = {"name": "", "printer_host": "", "printer_port": 9100, "zpl_font": "", "default_carrier_code": "",
                    "print_component_url": "", "print_component_printer": "", "print_component_template": ""}
COMPONENT_SCHEMES = ("ws://", "wss://")


def find_station(code):
    """The station with this code, active or not, or None."""
    return db.session.scalar(select(PackStation).where(PackStation.code == code))


def active_station(code):
    """The active station with this code, or NotFound."""
    found = db.session.scalar(select(PackStation).where(PackStation.code == code, PackStation.active.is_(True)))
    if found is None:
        raise NotFound.worded("pack station {station} not found", station=repr(code))
    return found


def stations():
    """The active stations, by code."""
    return db.session.scalars(select(PackStation).where(PackStation.active.is_(True)).order_by(PackStation.code)).all()


def save_station(code, **fields):
    """Create or update a station (admin)."""
    if not code or len(code) > 64:
        raise ValidationFailed("a station code of 1-64 characters is required", field="code")
    row = find_station(code) or PackStation(code=code)
    for name, value in fields.items():
        setattr(row, name, value)
    db.session.add(row)
    aftercommit.commit()
    return row


def save_station_settings(posted):
    """Create or update a station from the setup page's fields, checked by STATION_FORM; its default
    carrier must exist. Every wrong input is named and nothing is saved."""
    names = [STATION_FORM.input_name(field) for field in STATION_FORM.fields]
    posted = {name: posted.get(name) for name in names}  # the station's columns only, never other keys
    problems = {}
    try:
        values = {**STATION_DEFAULTS, **STATION_FORM.read_page(posted)}
    except ValidationFailed as refused:
        problems.update(refused.details["fields"])
        values = {}
    carrier = (posted["default_carrier_code"] or "").strip()
    if carrier and not db.session.scalar(select(Carrier.id).where(Carrier.code == carrier)):
        problems["default_carrier_code"] = {"message": "No carrier has the code {code}", "values": {"code": carrier}}
    problems.update(_component_problems(values))
    if problems:
        raise refusal(problems)
    return save_station(values.pop("code"), **values)


def _component_problems(values):
    """A print component needs a ws:// or wss:// address and a template to fill."""
    url = (values.get("print_component_url") or "").strip()
    if not url:
        return {}
    if not url.lower().startswith(COMPONENT_SCHEMES) or len(url) <= len("wss://"):
        return {"print_component_url": {"message": "A print component's address starts with ws:// or wss://",
                                        "values": {}}}
    if not (values.get("print_component_template") or "").strip():
        return {"print_component_template": {"message": "A print component needs the label template's address",
                                             "values": {}}}
    return {}


def station_paper(code):
    """The label paper of a station; the default paper for an unknown station."""
    return db.session.scalar(select(PackStation.paper).where(PackStation.code == code)) or DEFAULT_PAPER
