"""Seed for the finance review browser test: a store with finance review on, a finance user, a reviewer,
and two orders the automatic review passed that wait for finance (cash on delivery; an invoice). Prints JSON."""
import json

from tests.builders import make_channel, make_order, make_sku, make_user
from tests.e2e.seeding import seeded_app
from wms.review import services


def seed():
    make_sku("FIN-E2E-SKU", barcodes=("6909990000413",))
    store = make_channel("fin-e2e", name="Finance E2E store", finance_review=True)
    finance = make_user("finance", "fin-e2e")
    reviewer = make_user("reviewer", "rev-fin-e2e")
    cod = make_order(store, external_id="FE-1", buyer_name="钱多多", buyer_phone="13700137001",
                     lines=(("FIN-E2E-SKU", 1),), cash_on_delivery=True)
    invoice = make_order(store, external_id="FE-2", buyer_name="孙发票", buyer_phone="13700137002",
                         lines=(("FIN-E2E-SKU", 2),), invoice_requested=True)
    services.review_orders([cod.id, invoice.id])
    return {"finance": finance.username, "reviewer": reviewer.username, "store": store.id,
            "orders": {"cod": cod.id, "invoice": invoice.id}}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
