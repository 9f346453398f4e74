"""The settings of each channel platform as form fields (wms.settings_forms): what the Shopify, Taobao TOP, JD,
Pinduoduo and Douyin adapters read from `Channel.settings`, with the help a person needs to fill them in.

The admin's channel page draws these forms and the admin services check what comes back with them;
a manual channel (fed by files) has no settings.
"""
from wms.settings_forms import SettingField, SettingsFamily

PREFIX = "s."  # input names: s.<platform>.<setting>
PLATFORM_LABELS = {"manual": "Manual (spreadsheets)", "shopify": "Shopify", "taobao": "Taobao / Tmall",
                   "pdd": "Pinduoduo", "jd": "JD.com", "douyin": "Douyin shop"}

SYNC = (
    SettingField("sync_interval_minutes", "Sync every (minutes)", "integer", minimum=1, maximum=1440,
                 placeholder="15", help="How often the worker fetches new and changed orders (default 15)."),
)

SHOPIFY = (
    SettingField("base_url", "Store address", "url", placeholder="https://your-shop.myshopify.com",
                 help="Your store's address. Empty: the local Shopify sandbox (demo and development only)."),
    SettingField("access_token", "Admin API access token", secret=True, required=True,
                 help="The token of the store's custom app (shpat_...), allowed to read orders and write "
                      "fulfillments."),
    SettingField("api_version", "API version", max_length=20, placeholder="2025-01",
                 help="Shopify Admin API version (default 2025-01)."),
    SettingField("page_size", "Orders per request", "integer", minimum=1, maximum=250, placeholder="250",
                 help="At most 250."),
)

TAOBAO = (
    SettingField("gateway_url", "TOP gateway", "url", placeholder="https://eco.taobao.com/router/rest",
                 help="The Taobao Open Platform's API address (default `https://eco.taobao.com/router/rest`)."),
    SettingField("app_key", "App Key", required=True, max_length=40,
                 help="Your app's App Key on the Taobao Open Platform."),
    SettingField("app_secret", "App Secret", secret=True, required=True,
                 help="Your app's App Secret: signs every request and checks the messages Taobao pushes (TMC)."),
    SettingField("session", "Seller session key", secret=True, required=True,
                 help="The SessionKey the seller authorised your app with; renew it here when it expires."),
    SettingField("sign_method", "Signature method", "choice",
                 choices=(("md5", "MD5"), ("hmac", "HMAC-MD5"), ("hmac-sha256", "HMAC-SHA256")),
                 help="How requests are signed (default MD5)."),
    SettingField("page_size", "Orders per request", "integer", minimum=1, maximum=100, placeholder="100",
                 help="At most 100."),
    SettingField("initial_days", "First sync: days back", "integer", minimum=1, maximum=90, placeholder="7",
                 help="On the first sync, how many days of orders to fetch (default 7)."),
    SettingField("push_max_age_seconds", "Oldest push accepted (seconds)", "integer", minimum=60, maximum=86400,
                 placeholder="600", help="Pushed messages older than this are refused as replays (default 600)."),
)

DOUYIN = (
    SettingField("gateway_url", "Open platform gateway", "url", placeholder="https://openapi-fxg.jinritemai.com",
                 help="The Douyin shop open platform's API address (default `https://openapi-fxg.jinritemai.com`)."),
    SettingField("app_key", "App Key", required=True, max_length=40,
                 help="Your app's App Key on the Douyin shop open platform."),
    SettingField("app_secret", "App Secret", secret=True, required=True,
                 help="Your app's App Secret: it signs every request."),
    SettingField("access_token", "Shop access token", secret=True, required=True,
                 help="The access token the shop authorised your app with; renew it here when it expires."),
    SettingField("sign_method", "Signature method", "choice", choices=(("hmac-sha256", "HMAC-SHA256"), ("md5", "MD5")),
                 help="How requests are signed (default HMAC-SHA256)."),
    SettingField("page_size", "Orders per request", "integer", minimum=1, maximum=100, placeholder="100",
                 help="At most 100."),
    SettingField("initial_days", "First sync: days back", "integer", minimum=1, maximum=90, placeholder="7",
                 help="On the first sync, how many days of orders to fetch (default 7)."),
)

JD = (
    SettingField("gateway_url", "JOS gateway", "url", placeholder="https://api.jd.com/routerjson",
                 help="The JD open platform's API address (default `https://api.jd.com/routerjson`)."),
    SettingField("app_key", "App Key", required=True, max_length=40,
                 help="Your app's App Key on the JD open platform (`jos.jd.com`)."),
    SettingField("app_secret", "App Secret", secret=True, required=True,
                 help="Your app's App Secret: signs every request to JD."),
    SettingField("access_token", "Seller access token", secret=True, required=True,
                 help="The `access_token` the seller authorised your app with; renew it here when it expires."),
    SettingField("page_size", "Orders per request", "integer", minimum=1, maximum=100, placeholder="100",
                 help="At most 100."),
    SettingField("window_days", "Days per request", "integer", minimum=1, maximum=30, placeholder="1",
                 help="How many days of changes one order search covers (JD allows at most 30; default 1)."),
    SettingField("initial_days", "First sync: days back", "integer", minimum=1, maximum=90, placeholder="7",
                 help="On the first sync, how many days of orders to fetch (default 7)."),
)

PDD = (
    SettingField("gateway_url", "Open platform gateway", "url", placeholder="https://gw-api.pinduoduo.com/api/router",
                 help="The Pinduoduo open platform's API address (default `https://gw-api.pinduoduo.com/api/router`)."),
    SettingField("client_id", "App ID (`client_id`)", required=True, max_length=64,
                 help="Your app's `client_id` on the Pinduoduo open platform."),
    SettingField("client_secret", "App secret (`client_secret`)", secret=True, required=True,
                 help="Your app's `client_secret`: it signs every request."),
    SettingField("access_token", "Shop access token", secret=True, required=True,
                 help="The access token the shop authorised your app with; renew it here when it expires."),
    SettingField("page_size", "Orders per request", "integer", minimum=1, maximum=100, placeholder="100",
                 help="At most 100."),
    SettingField("initial_days", "First sync: days back", "integer", minimum=1, maximum=90, placeholder="7",
                 help="On the first sync, how many days of orders to fetch (default 7)."),
)

CHANNEL_SETTINGS = SettingsFamily(PREFIX, {"shopify": SYNC + SHOPIFY, "taobao": SYNC + TAOBAO, "douyin": SYNC + DOUYIN,
                                              "jd": SYNC + JD, "pdd": SYNC + PDD})


def form_for(platform):
    """The settings form of a channel platform (no fields for a platform without an adapter)."""
    return CHANNEL_SETTINGS.form(platform)
