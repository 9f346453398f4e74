"""Roles and what each may do. Pure: stdlib only."""

ADMIN = "admin"            # users, devices, channels, catalogue, rules
SUPERVISOR = "supervisor"  # waves, reassignments, the wall, review too
REVIEWER = "reviewer"      # the review queue (客服/审单)
PICKER = "picker"          # handheld pick tasks
PACKER = "packer"          # pack station
INTEGRATION = "integration"  # API tokens used by other systems (order push, sync)

HUMAN_ROLES = (ADMIN, SUPERVISOR, REVIEWER, PICKER, PACKER)
ALL_ROLES = HUMAN_ROLES + (INTEGRATION,)

# Who may do what, named by capability so that a route says what it needs, not who.
OFFICE = frozenset({ADMIN, SUPERVISOR, REVIEWER})
REVIEW = frozenset({ADMIN, SUPERVISOR, REVIEWER})
IMPORT = frozenset({ADMIN, SUPERVISOR, REVIEWER, INTEGRATION})
MANAGE = frozenset({ADMIN})
SUPERVISE = frozenset({ADMIN, SUPERVISOR})
FLOOR = frozenset({ADMIN, SUPERVISOR, PICKER, PACKER})
PICK = frozenset({ADMIN, SUPERVISOR, PICKER})
PACK = frozenset({ADMIN, SUPERVISOR, PACKER})
EVERYONE = frozenset(HUMAN_ROLES)
