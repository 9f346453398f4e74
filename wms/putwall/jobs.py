"""The put wall's background work: its lights, set after the scan that changed them."""
from wms.putwall import screens_and_lights
from wms.worker import job


@job
def show_lights(wall_id, lit=None):
    """Send the wall's slot states to its put-to-light controller (idempotent: whole states)."""
    return screens_and_lights.show_lights(wall_id, lit)
