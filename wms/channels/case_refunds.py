"""Sending an after-sales case's refund to its platform (issue 21 item 4), for the adapters that have a refund
call (`send_refund`: Shopify's Refund resource). Run by the job wms.channels.jobs.send_case_refund, which
wms.aftersales.refund_steps names after a person asked to send it (the case is then `refund_sent`).

Safe to run again: only a case still `refund_sent` is sent, and the adapter finds a refund it already made
for this case (the case's key in the refund's note) before making one. The platform's answer goes back to
the case (wms.aftersales.refund_steps.refund_sent_back): made -> refund_made (the buyer's notice asked for);
refused -> to_refund again with the platform's reason on the case's timeline. An unreachable platform
raises, and the job's row retries it later.
"""
from flask import current_app

from wms.aftersales import case_states
from wms.aftersales.case_models import AfterSalesCase
from wms.aftersales.refund_steps import refund_sent_back
from wms.channels.base import ChannelError, ChannelUnavailable, adapter_for, sandbox_overrides
from wms.extensions import db


def send(case_id, adapter=None):
    """Send the refund of case `case_id`; returns "refunded", "refused" or "skipped"."""
    case = db.session.get(AfterSalesCase, case_id)
    if case is None or case.refund_status != case_states.REFUND_SENT:
        return "skipped"
    channel = case.channel
    adapter = adapter or adapter_for(channel, **sandbox_overrides(channel, current_app.config))
    key, order = f"wms-case-{case.id}", case.order
    try:
        refund_id = adapter.send_refund(order.external_id, case.refund_cents, order.currency, key,
                                        note=case.reason[:200])
    except ChannelUnavailable:
        db.session.rollback()
        raise
    except ChannelError as error:
        db.session.rollback()
        refund_sent_back(case_id, False, detail=str(error))
        return "refused"
    refund_sent_back(case_id, True, reference=f"{channel.platform} refund {refund_id}")
    return "refunded"
