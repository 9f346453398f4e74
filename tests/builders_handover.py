"""Builders for dock, tracking and after-sales tests: carriers, labelled parcels, a local SMTP server."""
import socket

from tests.builders import make_channel
from tests.builders_picking import allocated_orders, stocked_warehouse
from wms.extensions import db
from wms.orders import states
from wms.shipping.models import PARCEL_LABELLED, Carrier, Parcel
from wms.timeutil import utcnow

TO_LABELLED = (states.WAVED, states.PICKING, states.PICKED, states.PACKED, states.LABELLED)


def make_carrier(code="SF", name="顺丰速运"):
    carrier = Carrier(code=code, name=name, cutoffs=["17:00"])
    db.session.add(carrier)
    db.session.commit()
    return carrier


def advance(order, to):
    """Walk an allocated order along the happy path up to `to` (test set-up, not a floor flow)."""
    for state in TO_LABELLED:
        order.transition_to(state, reason="test set-up")
        if state == to:
            break
    db.session.commit()
    return order


def labelled_orders(count=1, carrier="SF", channel=None, emails=True, warehouse=True, external_ids=None,
                    **order_fields):
    """Orders allocated from a stocked warehouse, walked to labelled, each with a labelled parcel."""
    if warehouse:
        stocked_warehouse()
    channel = channel or make_channel()
    external_ids = external_ids or [f"E{100 + i}" for i in range(count)]
    specs = [(ext, [("SKU-0", 2), ("SKU-1", 1)]) for ext in external_ids]
    orders = allocated_orders(specs, channel=channel)
    parcels = []
    for i, order in enumerate(orders):
        order.carrier_code = carrier
        order.buyer_email = f"buyer{i}@example.com" if emails else ""
        for name, value in order_fields.items():
            setattr(order, name, value)
        advance(order, states.LABELLED)
        parcels.append(make_parcel(order, carrier=carrier, tracking=f"{carrier}{9000 + i:010d}"))
    return orders, parcels


def make_parcel(order, carrier="SF", tracking="SF0000009000", status=PARCEL_LABELLED, weight_g=1250):
    parcel = Parcel(order_id=order.id, carrier_code=carrier, status=status, tracking_number=tracking,
                    weight_g=weight_g, carton_code="C2", labelled_at=utcnow() if tracking else None)
    db.session.add(parcel)
    db.session.commit()
    return parcel


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpInbox:
    """A real SMTP server on localhost (aiosmtpd) that keeps every message it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(message_from_bytes(envelope.original_content, policy=default))
        return "250 Message accepted for delivery"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class SignatureInvalid(Exception):
    """What the fake carrier raises for a bad signature (the real adapters raise their own)."""


class FakeCarrier:
    """A small hand-written carrier behind the adapter interface: Kuaidi100-style signed pushes
    (form field `param` JSON + `sign` = MD5(param + salt)) and a scripted query_tracking."""

    def __init__(self, salt="test-salt"):
        self.salt, self.tracks, self.queried, self.down = salt, {}, [], False

    def sign(self, param):
        import hashlib

        return hashlib.md5((param + self.salt).encode()).hexdigest().upper()

    def push_body(self, number, state, time, context="", location=""):
        """A form body as Kuaidi100 posts it, correctly signed."""
        import json
        from urllib.parse import urlencode

        param = json.dumps({"status": "polling", "lastResult": {"nu": number, "state": str(state), "data": [
            {"time": time, "ftime": time, "context": context, "areaName": location, "status": str(state)}]}},
            ensure_ascii=False)
        return urlencode({"param": param, "sign": self.sign(param)})

    def parse_webhook(self, headers, body):
        import json
        from urllib.parse import parse_qs

        form = {k: v[0] for k, v in parse_qs(body.decode() if isinstance(body, bytes) else body).items()}
        if form.get("sign") != self.sign(form.get("param", "")):
            raise SignatureInvalid("bad signature")
        last = json.loads(form["param"])["lastResult"]
        return [{"tracking_number": last["nu"], "time": d["time"], "status": d["status"],
                 "description": d["context"], "location": d["areaName"]} for d in last["data"]]

    def query_tracking(self, tracking_number):
        self.queried.append(tracking_number)
        if self.down:
            raise ConnectionError("carrier API timed out")
        return list(self.tracks.get(tracking_number, []))

    def cancel_waybill(self, tracking_number):
        self.cancelled = getattr(self, "cancelled", []) + [tracking_number]
        return True


def shipped_orders(count=1, channel=None, **kwargs):
    """Labelled orders put through a real manifest close (so they are shipped and tracked)."""
    from wms.handover import services

    orders, parcels = labelled_orders(count, channel=channel, **kwargs)
    manifest = services.open_manifest("SF")
    for parcel in parcels:
        services.scan_parcel(manifest.id, parcel.tracking_number)
    services.close_manifest(manifest.id)
    db.session.expire_all()
    return orders, parcels
