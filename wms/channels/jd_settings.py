"""The JD channel's settings as form fields (wms.settings_forms): what wms.channels.jd reads from
`Channel.settings`. wms.channels.settings_forms lists each platform's fields; JD's entry there is
`"jd": SYNC + JD` with `from wms.channels.jd_settings import JD`.
"""
from wms.settings_forms import SettingField

JD = (
    SettingField("gateway_url", "JOS gateway", "url", required=True, placeholder="https://api.jd.com/routerjson",
                 help="The JD open platform's API address."),
    SettingField("app_key", "App Key", required=True, max_length=40,
                 help="Your app's App Key on the JD open platform (jos.jd.com)."),
    SettingField("app_secret", "App Secret", secret=True, required=True,
                 help="Your app's App Secret: signs every request to JD."),
    SettingField("access_token", "Seller access token", secret=True, required=True,
                 help="The access_token the seller authorised your app with; renew it here when it expires."),
    SettingField("page_size", "Orders per request", "integer", minimum=1, maximum=100, placeholder="100",
                 help="At most 100."),
    SettingField("window_days", "Days per request", "integer", minimum=1, maximum=30, placeholder="1",
                 help="How many days of changes one order search covers (JD allows at most 30; default 1)."),
    SettingField("initial_days", "First sync: days back", "integer", minimum=1, maximum=90, placeholder="7",
                 help="On the first sync, how many days of orders to fetch (default 7)."),
)
