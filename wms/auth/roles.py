"""Roles and what each may do. Pure: stdlib only."""

ADMIN = "admin"            # users, devices, channels, catalogue, rules
SUPERVISOR = "supervisor"  # waves, reassignments, the wall, review too
REVIEWER = "reviewer"      # the review queue (客服/审单)
FINANCE = "finance"        # the finance review desk (财审): approves or rejects orders the finance rules hold
PICKER = "picker"          # handheld pick tasks
PACKER = "packer"          # pack station
DOCK = "dock"              # dock clerk (交接员): hands parcels over to the carriers' drivers
INTEGRATION = "integration"  # API tokens used by other systems (order push, sync)

HUMAN_ROLES = (ADMIN, SUPERVISOR, REVIEWER, FINANCE, PICKER, PACKER, DOCK)
ALL_ROLES = HUMAN_ROLES + (INTEGRATION,)

# Who may do what, named by capability so that a route says what it needs, not who.
OFFICE = frozenset({ADMIN, SUPERVISOR, REVIEWER})
REVIEW = frozenset({ADMIN, SUPERVISOR, REVIEWER})
FINANCE_REVIEW = frozenset({ADMIN, SUPERVISOR, FINANCE})  # the finance desk: approve / reject, its rules
IMPORT = frozenset({ADMIN, SUPERVISOR, REVIEWER, INTEGRATION})
MANAGE = frozenset({ADMIN})
SUPERVISE = frozenset({ADMIN, SUPERVISOR})
FLOOR = frozenset({ADMIN, SUPERVISOR, PICKER, PACKER})
PICK = frozenset({ADMIN, SUPERVISOR, PICKER})
PACK = frozenset({ADMIN, SUPERVISOR, PACKER})
HANDOVER = frozenset({ADMIN, SUPERVISOR, PACKER, DOCK})  # dock manifests: open, scan, close, print
EVERYONE = frozenset(HUMAN_ROLES)

# What an integration API token may be limited to (a token with no scopes listed may do all of them).
ORDERS_IMPORT = "orders:import"
CATALOG_READ = "catalog:read"
TOKEN_SCOPES = {ORDERS_IMPORT: "Import orders", CATALOG_READ: "Read SKU images"}
