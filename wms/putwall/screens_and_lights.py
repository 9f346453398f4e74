"""Telling a put wall what changed, after commit: its screens (the wall's Socket.IO room hears
`wall.changed`) and its lights (a job, wms.putwall.jobs.show_lights, whose service is show_lights
here; the controller's protocol is wms.putwall.lights)."""
from wms import job_names, realtime, worker
from wms.putwall import sorting
from wms.putwall.slot_state import slot_views
from wms.putwall.wall_setup import get_wall


def room(wall_id):
    """The Socket.IO room of a wall's screens."""
    return f"putwall:{wall_id}"


def tell(wall, lit, changed=None):
    """After commit: the wall's screens hear what changed (or to reload all), its lights are set."""
    realtime.publish("wall.changed", {"wall_id": wall.id, "lit": lit, "slots": changed},
                     room(wall.id))
    if wall.light_url:
        worker.enqueue(job_names.SHOW_WALL_LIGHTS, wall.id, lit)


# --- lights (the job's service) ------------------------------------------------------------------

def show_lights(wall_id, lit=None):
    """Send every slot's module state to the wall's controller; `lit`: the slot to put into now."""
    from wms.putwall import lights

    wall = get_wall(wall_id)
    if not wall.light_url:
        return 0
    commands = [lights.command(row.code, *sorting.light_for(view, lit=row.code == lit))
                for row, view in slot_views(wall)]
    return lights.send(wall.light_url, wall.code, commands)
