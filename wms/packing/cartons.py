"""Carton types from the setup page: the form's fields declared once and checked by that declaration.

Why: the carton form read each number with `type=int` and made anything it could not read 0, so a
typo ("3O0") saved a carton of no volume that the station's suggestion (verify.suggest_carton) never
picks, and nothing told the admin. Now every wrong input is named and nothing is saved.
"""
from wms.packing import services
from wms.settings_forms import SettingField, SettingsForm

MAX_SIDE_MM = 5000
MAX_WEIGHT_G = 1_000_000

# The setup page's carton form: drawn from this list and checked by it (wms.settings_forms).
CARTON_FORM = SettingsForm("carton", (
    SettingField("code", "Code", required=True, max_length=40, placeholder="B3",
                 help="The carton's code as packers see it at the bench. An existing code is updated."),
    SettingField("name", "Name", max_length=120),
    SettingField("length_mm", "Length (mm)", "integer", required=True, minimum=1, maximum=MAX_SIDE_MM),
    SettingField("width_mm", "Width (mm)", "integer", required=True, minimum=1, maximum=MAX_SIDE_MM),
    SettingField("height_mm", "Height (mm)", "integer", required=True, minimum=1, maximum=MAX_SIDE_MM),
    SettingField("tare_g", "Tare (g)", "integer", minimum=0, maximum=MAX_WEIGHT_G,
                 help="The empty carton's weight, added to the items' when the parcel is weighed."),
    SettingField("max_weight_g", "Max weight (g)", "integer", minimum=0, maximum=MAX_WEIGHT_G,
                 help="Heavier parcels get a bigger carton suggested. Empty or 0: no limit."),
))
CARTON_DEFAULTS = {"name": "", "tare_g": 0, "max_weight_g": 0}


def save_carton_settings(posted):
    """Create or update a carton type from the setup page's fields, checked by CARTON_FORM; every
    wrong input is named (ValidationFailed with `fields`) and nothing is saved."""
    names = [CARTON_FORM.input_name(field) for field in CARTON_FORM.fields]
    values = {**CARTON_DEFAULTS, **CARTON_FORM.read_page({name: posted.get(name) for name in names})}
    return services.save_carton(values.pop("code"), **values)
