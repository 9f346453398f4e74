"""The carrier adapter interface. Pure: stdlib only.

Every carrier (or aggregator) adapter turns these plain values into its partner's documented wire
format and back. Services call `create_waybill` / `cancel_waybill`; tracking calls
`query_tracking` and `parse_webhook` (which also verifies the push's signature).
"""
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime

from wms.shipping.customs import Declaration

# Normalised tracking statuses (what the order timeline understands).
PICKED_UP = "picked_up"
IN_TRANSIT = "in_transit"
OUT_FOR_DELIVERY = "out_for_delivery"
EXCEPTION = "exception"
SIGNED = "signed"
RETURNED = "returned"

# Failure reasons of a waybill request (shown in the 运单号申请失败 queue).
TIMEOUT = "timeout"                    # no answer in time: the carrier may have created it; retry is safe
ADDRESS_REJECTED = "address_rejected"  # the carrier refuses the recipient address: fix the address, retry
QUOTA_EXCEEDED = "quota_exceeded"      # no waybill numbers / balance left on the account
CARRIER_ERROR = "carrier_error"        # the carrier answered with an error (5xx, malformed answer)
BAD_SIGNATURE = "bad_signature"        # a push whose signature does not match
AUTH_FAILED = "auth_failed"            # the carrier refuses our credentials (key, secret, signature)
CUSTOMS_INCOMPLETE = "customs_incomplete"  # a parcel leaving China whose declaration has gaps (never sent)


@dataclass(frozen=True)
class Address:
    name: str
    phone: str
    province: str = ""
    city: str = ""
    district: str = ""
    address: str = ""
    postcode: str = ""
    company: str = ""
    country: str = "CN"      # ISO 3166 alpha-2

    @property
    def full(self):
        """The printable address line: province city district street (abroad: street, city, province)."""
        if self.country and self.country != "CN":
            return ", ".join(part for part in (self.address, self.district, self.city, self.province) if part)
        return "".join(part for part in (self.province, self.city, self.district, self.address) if part)


@dataclass(frozen=True)
class WaybillRequest:
    client_order_id: str      # our idempotency key at the carrier: one waybill per parcel, ever
    recipient: Address
    sender: Address
    weight_g: int
    count: int = 1
    cargo: str = ""
    remark: str = ""
    customs: Declaration | None = None   # a parcel leaving China: what is declared (wms.shipping.customs)


@dataclass(frozen=True)
class WaybillResult:
    tracking_number: str
    carrier_order_id: str = ""   # the carrier's own order / task id (needed by some cancels)
    sort_code: str = ""          # routing code printed big on the label (大头笔 / 三段码)
    package_centre: str = ""     # where the parcel is bagged for its destination (集包地), printed under it
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class TrackingEvent:
    tracking_number: str
    at: datetime | None          # naive UTC
    status: str                  # one of the normalised statuses above
    description: str
    location: str = ""
    raw_state: str = ""


class WaybillError(Exception):
    """The carrier said no, or did not answer. `retryable`: a later identical request may succeed."""

    def __init__(self, reason, message, retryable=None):
        super().__init__(f"{reason}: {message}")
        self.reason, self.message = reason, message
        self.retryable = reason in (TIMEOUT, CARRIER_ERROR) if retryable is None else retryable


class CarrierAdapter(ABC):
    """One carrier's (or aggregator's) API. Constructed from the Carrier row's settings dict."""

    def __init__(self, settings):
        self.settings = settings

    @abstractmethod
    def create_waybill(self, request: WaybillRequest) -> WaybillResult:
        """Ask for a tracking number (电子面单). Same client_order_id -> same waybill."""

    @abstractmethod
    def cancel_waybill(self, tracking_number: str, carrier_order_id: str = "", reason: str = "") -> None:
        """Void a waybill that will not ship; raise WaybillError if the carrier refuses."""

    @abstractmethod
    def query_tracking(self, tracking_number: str, phone: str = "") -> list[TrackingEvent]:
        """The carrier's events for a tracking number, oldest first."""

    @abstractmethod
    def parse_webhook(self, headers: dict, body: bytes | dict) -> list[TrackingEvent]:
        """Verify and parse a pushed tracking update; raise WaybillError(BAD_SIGNATURE) if forged."""

    def webhook_ack(self) -> tuple[dict, int]:
        """What to answer the carrier's push with (JSON body, HTTP status)."""
        return {"result": True}, 200
