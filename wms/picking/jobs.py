"""Periodic work of picking (wms.schedule runs it): it takes nothing and calls one service."""
from wms.picking import rules
from wms.worker import job


@job
def run_auto_waves():
    """Release a wave in every warehouse whose automatic wave rule is due."""
    return rules.run_auto_waves()
