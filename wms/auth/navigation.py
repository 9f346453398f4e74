"""Where each role lands after logging in, and the menu every desk page shows. Pure: stdlib only.

The menu names screens by endpoint, never by role: who sees a link is decided by the roles the
view itself allows (its `@allow`), so the menu cannot offer a screen that answers 403, nor hide one
whose access was widened (wms.auth.menu applies it). Screens are grouped so that the admin's menu
fits one line at 1440 px; a group opens its first screen the reader may use and shows its other
screens as a second row on each of its pages.
"""
# The first screen of each role, after any login (desk form or handheld).
HOME = {
    "admin": "admin.users",
    "supervisor": "dashboard.desk",      # the wall desk: the floor at a glance
    "reviewer": "review.queue",
    "finance": "finance.desk",           # the finance review desk (财审)
    "picker": "handheld.app",
    "packer": "station.station",
    "dock": "handover.index",
}
FALLBACK_HOME = "auth.login"

# (group label, ((endpoint, label[, roles]), ...)); labels are English msgids, translated when shown.
# A screen open to anyone (@public) may name, third, the roles whose menu shows it.
MENU = (
    ("Wall", (("dashboard.desk", "Wall desk"), ("dashboard.stuck_orders", "Stuck orders"),
              ("dashboard.tv", "Wall screen"))),
    ("Orders", (("review.queue", "Review desk"), ("imports.index", "Import"),
                ("channels.sku_mappings", "SKU mapping"), ("review.blacklist", "Blacklist"),
                ("review.rule_settings", "Review rules"), ("review.tag_rules", "Tag rules"),
                ("review.gift_rules", "Gift rules"), ("finance.desk", "Finance review"),
                ("finance.rule_settings", "Finance rules"))),
    ("Floor", (("picking.waves", "Waves"), ("inventory.stock", "Stock"), ("inventory.warehouses", "Warehouses"),
               ("inventory.receive", "Receiving"), ("inventory.adjust", "Adjust / count"),
               ("putwall.walls", "Put walls"), ("putwall.cart_types_page", "Cart types"),
               ("inventory.presale_settings", "Presales"), ("handheld.take", "Handheld app"))),
    ("Pack station", (("station.station", "Pack station"), ("station.setup", "Stations and cartons"))),
    ("Shipping", (("waybill_desk.requests", "Waybill requests"), ("waybill_desk.to_print", "Labels to print"),
                  ("shipping.parcels", "Parcel list"), ("shipping.failed", "Waybill failures"),
                  ("tracking.exceptions", "Tracking"), ("tracking.notices_page", "Buyer notices"),
                  ("shipping.carriers", "Carriers"))),
    ("Dock", (("handover.index", "Dock"),)),
    ("Returns", (("aftersales.returns_index", "Returns"), ("aftersales.cases_desk", "After-sales cases"),
                 ("aftersales.new_case", "Open an after-sales case"), ("aftersales.intercepts", "Intercepts"))),
    ("SKUs", (("catalog.skus", "SKUs"), ("catalog.new_sku", "New SKU"), ("catalog.import_skus", "Import SKUs"),
              ("catalog.kit_list", "Kits"))),
    ("Settings", (("admin.users", "Users"), ("admin.roles", "Roles"), ("admin.badges", "Badges"),
                  ("admin.devices", "Devices"), ("admin.tokens", "API tokens"), ("admin.channels", "Channels"),
                  ("channels.index", "Channel sync"), ("waybill_desk.settings", "When waybills are requested"),
                  ("admin.jobs", "Jobs"))),
)

# Screens outside the menu whose blueprint would point at the wrong group: the screen they belong to.
PARENT = {"channels.sync_page": "channels.index", "shipping.order_carrier": "review.queue"}

# The screen that finds any order (the search box in the menu).
SEARCH = "search.orders"


def home_endpoint(role):
    """The endpoint a user of `role` lands on after logging in at the desk."""
    return HOME.get(role, FALLBACK_HOME)


def handheld_landing(role):
    """Where a login on the handheld app goes on to: None to stay on the handheld (the role's home is the
    handheld), else the role's home, like any other login. A supervisor who takes a scanner to pick opens the
    handheld from the menu afterwards (the handheld keeps its token, so no second login)."""
    home = home_endpoint(role)
    return None if home == HOME["picker"] else home


def menu_for(role, may_open, current_endpoint=None, current_blueprint=None):
    """The menu for one reader: [{"label", "endpoint", "active", "links": [(endpoint, label, active)]}].

    `may_open(endpoint)` says whether the reader may open that screen (and that it exists); a group
    with no screen left is dropped. The group holding the current screen (or its PARENT) is active,
    else the first group holding a screen of the current blueprint.
    """
    groups = []
    for label, links in MENU:
        shown = [(link[0], link[1]) for link in links
                 if may_open(link[0]) and (len(link) < 3 or role in link[2])]
        if not shown:
            continue
        groups.append({"label": label, "endpoint": shown[0][0], "active": False,
                       "links": [(endpoint, text, endpoint == current_endpoint) for endpoint, text in shown]})
    here = PARENT.get(current_endpoint, current_endpoint)
    active = next((g for g in groups if any(endpoint == here for endpoint, _t, _h in g["links"])), None)
    if active is None and current_blueprint:
        active = next((g for g in groups
                       if any(endpoint.split(".")[0] == current_blueprint for endpoint, _t, _h in g["links"])), None)
    if active is not None:
        active["active"] = True
    return groups


def menu_endpoints(role, may_open):
    """Every screen in the reader's menu (for the tests that walk it)."""
    return [endpoint for group in menu_for(role, may_open) for endpoint, _text, _hit in group["links"]]
