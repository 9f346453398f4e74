"""The indexes the search box probes on orders, each key on its own (wms.search.queries).

The orders table is shared, so the indexes live with the feature that needs them (create_all and the
migration pick them up). A full phone and an order number have theirs already (ix_orders_buyer_phone,
ix_orders_external_id: wms.review.models); the last four digits and a name's start need their own:
without them "5678" or "张三" reads every order ever taken.
"""
from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from wms.extensions import db
from wms.orders.models import Order


class phone_last4(FunctionElement):
    """The last four characters of a phone: right(x, 4) on PostgreSQL (the expression its index is
    built on), substr(x, -4) on SQLite."""

    type = String()
    inherit_cache = True
    name = "phone_last4"


@compiles(phone_last4)
def _last4_sqlite(element, compiler, **kw):
    return f"substr({compiler.process(element.clauses, **kw)}, -4)"


@compiles(phone_last4, "postgresql")
def _last4_postgresql(element, compiler, **kw):
    return f"right({compiler.process(element.clauses, **kw)}, 4)"


# "5678": an expression index on exactly what the query compiles to, so the probe is one index range.
db.Index("ix_orders_phone_last4", phone_last4(Order.buyer_phone))
# "张三" / "Li": a name's start (LIKE 'x%'); pattern ops so the prefix uses it whatever the collation.
db.Index("ix_orders_buyer_name", Order.buyer_name, postgresql_ops={"buyer_name": "varchar_pattern_ops"})
