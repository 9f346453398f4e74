"""What features above shipping do once a parcel (or an early waybill) has its label: they register a
follow-up with @after_label, shipping runs them after the label's commit, and so shipping never imports
them (tracking's 虚拟发货 write-back: wms/tracking/writeback.py)."""

# fn(order_id, tracking_number, carrier_code), run after the label's commit and before the printer gets it.
_AFTER_LABEL = []


def after_label(follow_up):
    """Run follow_up(order_id, tracking_number, carrier_code) after every new label (a decorator)."""
    if follow_up not in _AFTER_LABEL:
        _AFTER_LABEL.append(follow_up)
    return follow_up


def run_after_label(order_id, tracking_number, carrier_code):
    """The follow-ups registered with after_label (tracking's 虚拟发货 write-back), after a commit."""
    for follow_up in _AFTER_LABEL:
        follow_up(order_id, tracking_number, carrier_code)
