"""The allocation settings: which warehouse rule ranks the candidates and whether orders may be split.

Its own module because both the allocation run (wms.inventory.allocating reads them at the start
of every run) and the supervisor's page (wms.inventory.pages changes them) need them.
"""
from sqlalchemy import select

from wms import aftercommit
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inventory import allocation_rules
from wms.inventory.models import AllocationSettings


def get_allocation_settings():
    """The one settings row (created with defaults on first use)."""
    settings = db.session.scalar(select(AllocationSettings).order_by(AllocationSettings.id))
    if settings is None:
        settings = AllocationSettings(rule=allocation_rules.RULE_DISTANCE, allow_split=False)
        db.session.add(settings)
        db.session.commit()
    return settings


def set_allocation_settings(rule, allow_split):
    """Choose the warehouse rule (distance | priority) and whether orders may be split."""
    if rule not in allocation_rules.RULES:
        raise ValidationFailed("Unknown rule", field="rule")
    settings = get_allocation_settings()
    settings.rule, settings.allow_split = rule, bool(allow_split)
    aftercommit.commit()
    return settings
