"""Socket.IO connections are authenticated and join rooms per user and per role."""
from tests.builders_admin import forget_current_user, log_in_as, make_users
from wms.auth.services import create_api_token, issue_handheld_token, register_device
from wms.extensions import socketio
from wms.realtime import emit_now, room_for_device, room_for_role, room_for_user


def _received(socket_client, event):
    return [message["args"][0] for message in socket_client.get_received() if message["name"] == event]


def test_an_anonymous_connection_is_refused(app, client):
    forget_current_user()
    socket_client = socketio.test_client(app, flask_test_client=client)
    assert not socket_client.is_connected()


def test_a_forged_or_integration_token_is_refused(app):
    _token, plain = create_api_token("shop sync")
    assert not socketio.test_client(app, auth={"token": "not-a-token"}).is_connected()
    forget_current_user()
    assert not socketio.test_client(app, auth={"token": plain}).is_connected()


def test_a_logged_in_session_connects(app, client):
    user = make_users("reviewer", 1)[0]
    log_in_as(client, user)
    socket_client = socketio.test_client(app, flask_test_client=client)
    assert socket_client.is_connected()
    socket_client.disconnect()


def test_a_handheld_token_connects_and_joins_its_device_room(app):
    picker = make_users("picker", 1)[0]
    device = register_device("HH-9", user=picker)
    forget_current_user()
    socket_client = socketio.test_client(app, auth={"token": issue_handheld_token(picker, device)})
    assert socket_client.is_connected()
    emit_now("task.assigned", {"task": 1}, room_for_device("HH-9"))
    assert _received(socket_client, "task.assigned") == [{"task": 1}]


def test_a_deactivated_users_handheld_token_no_longer_connects(app):
    from wms.admin import services as admin_services

    make_users("admin", 1)
    picker = make_users("picker", 1)[0]
    token = issue_handheld_token(picker, register_device("HH-9", user=picker))
    admin_services.deactivate(picker.id)
    forget_current_user()
    assert not socketio.test_client(app, auth={"token": token}).is_connected()


def test_events_reach_exactly_the_users_and_roles_they_are_sent_to(app):
    pickers = make_users("picker", 2)
    packer = make_users("packer", 1)[0]
    sockets = {}
    for user in [*pickers, packer]:
        forget_current_user()
        sockets[user.username] = socketio.test_client(
            app, auth={"token": issue_handheld_token(user, register_device(f"D-{user.id}", user=user))})
        assert sockets[user.username].is_connected()
    for socket_client in sockets.values():
        socket_client.get_received()

    emit_now("wave.released", {"wave": 7}, room_for_role("picker"))
    emit_now("task.assigned", {"task": 3}, room_for_user(pickers[1].id))

    assert _received(sockets["picker0"], "wave.released") == [{"wave": 7}]
    assert _received(sockets["picker1"], "wave.released") == [{"wave": 7}]
    assert _received(sockets["packer0"], "wave.released") == []
    # get_received() drained the queues above; send the user event again and check only it
    emit_now("task.assigned", {"task": 4}, room_for_user(pickers[1].id))
    assert _received(sockets["picker1"], "task.assigned") == [{"task": 4}]
    assert _received(sockets["picker0"], "task.assigned") == []
    assert _received(sockets["packer0"], "task.assigned") == []
    for socket_client in sockets.values():
        socket_client.disconnect()


def test_the_web_servers_background_publisher_sends_every_emit_in_order_off_the_request(app):
    import threading

    from wms.realtime import serve_emits_in_background

    picker = make_users("picker", 1)[0]
    device = register_device("HH-10", user=picker)
    forget_current_user()
    socket_client = socketio.test_client(app, auth={"token": issue_handheld_token(picker, device)})
    sent_by = []
    original_emit = socketio.emit

    def recording_emit(*args, **kwargs):
        sent_by.append(threading.current_thread().name)
        return original_emit(*args, **kwargs)

    socketio.emit = recording_emit
    stop = serve_emits_in_background(app)
    try:
        for n in range(5):
            emit_now("task.assigned", {"task": n}, room_for_device("HH-10"))
    finally:
        stop()  # sends what is queued, then the publisher ends
        socketio.emit = original_emit
    assert _received(socket_client, "task.assigned") == [{"task": n} for n in range(5)]
    assert len(sent_by) == 5 and threading.current_thread().name not in sent_by
    emit_now("task.assigned", {"task": 5}, room_for_device("HH-10"))  # stopped: inline again
    assert _received(socket_client, "task.assigned") == [{"task": 5}]
