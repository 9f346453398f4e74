"""A carrier's settings as form fields (wms.settings_forms): the rules every carrier has (where it
delivers, up to which weight, at what price, from which sender) and its adapter's API settings.

The carriers page draws these forms and `carrier_services.save_carrier` checks what comes back with
them; `settings["adapter"]` names the adapter (chosen on the page, so it is no field here).
"""
from wms.settings_forms import SettingField, SettingsFamily

PREFIX = "s."  # input names: s.<adapter>.<setting>
ADAPTER_KEY = "adapter"
DEFAULT_ADAPTER = "kuaidi100"
ADAPTER_LABELS = {"kuaidi100": "Kuaidi100", "fourpx": "4PX (parcels abroad)"}

RULES = (
    SettingField("regions", "Provinces served", "list", max_length=40, placeholder="浙江省, 上海市",
                 help="Comma separated; empty: every province."),
    SettingField("excluded", "Provinces not served", "list", max_length=40, placeholder="西藏自治区",
                 help="Orders to these provinces never go to this carrier."),
    SettingField("max_weight_g", "Heaviest parcel (g)", "integer", maximum=1_000_000,
                 help="0 or empty: no limit."),
    SettingField("base_cents", "Price of the first kilogram (yuan)", "money", placeholder="8.00",
                 help="With the price per further kilogram, ranks carriers by cost."),
    SettingField("per_kg_cents", "Price per further kilogram (yuan)", "money", placeholder="2.00",
                 help="Each started kilogram after the first."),
    SettingField("sender.name", "Sender name", max_length=60, help="Printed on the label and sent to the carrier. Empty: the warehouse's sender (Warehouses)."),
    SettingField("sender.phone", "Sender phone", max_length=30),
    SettingField("sender.province", "Sender province", max_length=40),
    SettingField("sender.city", "Sender city", max_length=40),
    SettingField("sender.district", "Sender district", max_length=40),
    SettingField("sender.address", "Sender street address", max_length=120),
)

KUAIDI100 = (
    SettingField("kuaidicom", "Carrier code at Kuaidi100", max_length=40, placeholder="shunfeng",
                 help="Kuaidi100's code of this carrier, e.g. shunfeng, zhongtong, yuantong."),
    SettingField("api_url", "API address", "url", placeholder="https://api.kuaidi100.com",
                 help="Empty: `https://api.kuaidi100.com` (or the local sandbox in demo and development)."),
    SettingField("poll_url", "Tracking query address", "url", help="Empty: the API address."),
    SettingField("key", "Authorisation key", secret=True, help="The authorisation key of your Kuaidi100 account."),
    SettingField("secret", "Secret", secret=True, help="Signs waybill requests, with the key."),
    SettingField("customer", "Customer id", max_length=64, help="Your account's customer id, for tracking queries."),
    SettingField("salt", "Tracking push salt", secret=True,
                 help="The salt Kuaidi100 signs its tracking pushes with; unsigned pushes are refused. "
                      "Empty: the app's `CARRIER_WEBHOOK_SALT`."),
    SettingField("partner_id", "Waybill account", max_length=64,
                 help="The e-waybill account this carrier gave you (partnerId)."),
    SettingField("partner_key", "Waybill account password", secret=True,
                 help="Its partnerKey, if the carrier set one."),
    SettingField("net", "Carrier outlet", max_length=64, help="The outlet of the account, if the carrier asks."),
    SettingField("exp_type", "Service", max_length=40, placeholder="标准快递",
                 help="The service name as Kuaidi100 spells it (default: standard express)."),
    SettingField("pay_type", "Who pays", "choice", choices=(
        ("SHIPPER", "Sender pays"), ("CONSIGNEE", "Recipient pays"), ("MONTHLY", "Monthly account"),
        ("THIRDPARTY", "Third party pays")), help="Default: sender pays."),
    SettingField("timeout_s", "Timeout (seconds)", "integer", minimum=1, maximum=60, placeholder="5",
                 help="How long to wait for Kuaidi100 before trying again later."),
)

# A forwarder for parcels leaving China (4PX Open Platform, wms/shipping/carriers/fourpx.py).
ABROAD = (
    SettingField("international", "Only parcels leaving China", "bool",
                 help="Such a carrier takes only orders to other countries; the others only orders within China."),
    SettingField("countries", "Countries served", "list", max_length=2, placeholder="US, DE, FR",
                 help="Two-letter country codes, comma separated; empty: every country."),
)
FOURPX = (
    SettingField("api_url", "API address", "url", placeholder="https://open.4px.com",
                 help="Empty: `https://open.4px.com` (or the local sandbox in demo and development)."),
    SettingField("app_key", "App key", secret=True, help="The app key of your 4PX Open Platform application."),
    SettingField("app_secret", "App secret", secret=True, help="Signs every request, with the app key."),
    SettingField("product_code", "Logistics product", max_length=20, placeholder="PX",
                 help="4PX's logistics product code (`logistics_product_code`) for these parcels."),
    SettingField("duty_type", "Duties paid by", "choice", choices=(("U", "Recipient (DDU)"), ("P", "Sender (DDP)")),
                 help="Default: the recipient."),
    SettingField("deliver_type", "Hand-over to 4PX", "choice", choices=(
        ("1", "4PX picks up"), ("2", "Courier to the 4PX warehouse"), ("3", "We deliver it")), help="Default: pick-up."),
    SettingField("timeout_s", "Timeout (seconds)", "integer", minimum=1, maximum=60, placeholder="10",
                 help="How long to wait for 4PX before trying again later."),
)

CARRIER_SETTINGS = SettingsFamily(PREFIX, {"kuaidi100": RULES + KUAIDI100, "fourpx": RULES + ABROAD + FOURPX},
                                  reserved={ADAPTER_KEY})


def form_for(adapter):
    """The settings form of a carrier adapter."""
    return CARRIER_SETTINGS.form(adapter or DEFAULT_ADAPTER)


def adapter_of(settings):
    """The adapter a carrier's settings name (default kuaidi100)."""
    return (settings or {}).get(ADAPTER_KEY) or DEFAULT_ADAPTER
