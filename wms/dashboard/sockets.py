"""The wall's Socket.IO namespace `/wall`: every connection joins room `wall`, which gets `wall.metrics`.

A namespace of its own because a TV is not a user: it connects with its kiosk key
(`auth: {key}`) and may hear the wall and nothing else; supervisors connect with their session.
"""
from flask_socketio import join_room

from wms.dashboard import push, viewer
from wms.extensions import socketio


@socketio.on("connect", namespace=push.NAMESPACE)
def on_wall_connect(auth=None):
    """Supervisor session or live kiosk key, else refused; then join the wall room."""
    key = auth.get("key") if isinstance(auth, dict) and isinstance(auth.get("key"), str) else None
    if not viewer.may_watch(key):
        return False
    join_room(push.ROOM, namespace=push.NAMESPACE)
    return True
