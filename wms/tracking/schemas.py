"""Marshmallow schemas of the carrier webhook (documented in the OpenAPI spec)."""
from marshmallow import INCLUDE, Schema, fields


class CarrierPush(Schema):
    """A carrier's tracking push as Kuaidi100 posts it (application/x-www-form-urlencoded)."""

    class Meta:
        unknown = INCLUDE

    param = fields.String(required=True, metadata={"description": "The push as JSON text (lastResult: the events)"})
    sign = fields.String(required=True,
                         metadata={"description": "MD5 of param + the carrier's push salt, upper-case hex"})


class CarrierPushAnswer(Schema):
    """What Kuaidi100 expects back (else it pushes again), plus how many events were new."""

    result = fields.Boolean(required=True)
    returnCode = fields.String(required=True)
    message = fields.String(required=True)
    new_events = fields.Integer(required=True, metadata={"description": "Events not seen before (0 for a repeat)"})
