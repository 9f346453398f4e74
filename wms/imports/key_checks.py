"""Foreign keys of bulk-imported orders checked once per chunk instead of once per row (PostgreSQL).

PostgreSQL checks a foreign key with a trigger that runs one lookup per inserted row: a 2,000-order
chunk (~6,000 lines, ~2,000 audit rows) makes ~16,000 lookups of the same few hundred SKUs, one
channel and one actor - over half the server's work of an import. Here the import takes those
guarantees itself, set-wise, and switches the per-row triggers off for its own three COPYs only:

- what the rows reference outside the chunk (the channel, the SKUs the lines resolved to, the
  actor of the audit rows) is locked FOR KEY SHARE in one statement per table before the COPYs.
  A row that is gone (deleted since the import looked its code up) fails the chunk with
  MissingReference before anything is written; a row that is there cannot be deleted (nor its
  key changed) until the chunk commits - the very lock the trigger would have taken;
- the lines and audit rows reference only orders inserted just before in the same transaction,
  with ids reserved by that transaction (inserting.insert_new), and new orders are never merged
  or split (those columns are NULL). Unique, NOT NULL and CHECK constraints are not triggers:
  they hold as always.

The triggers are switched off with `SET LOCAL session_replication_role = replica`, which only a
superuser or (PostgreSQL 15+) a role granted `SET ON PARAMETER session_replication_role` may do.
It would also skip user triggers and rules on the written tables, so the set-wise path is chosen
only when the role may set it and the three tables have none; otherwise every row is checked by
its trigger as before (`choose`). The setting is put back before anything else is written, so
updates of existing orders and the job's own rows run with every trigger.
"""
import logging
from contextlib import contextmanager

from sqlalchemy import text

from wms.errors import ValidationFailed
from wms.wording import wording

log = logging.getLogger(__name__)

SET_WISE, PER_ROW = "set-wise", "per-row"
WRITTEN_TABLES = ("orders", "order_lines", "order_events")


class MissingReference(ValidationFailed):
    """A chunk's rows reference a channel, SKU or user that no longer exists: nothing of it is written."""


def choose(session):
    """SET_WISE when this database and role allow it (see the module docstring), else PER_ROW;
    logged, so an operator can tell which path an import took."""
    if session.get_bind().dialect.name != "postgresql":
        return PER_ROW
    may_set, user_rules = role_may_switch_triggers(session), user_rules_on_written_tables(session)
    choice = SET_WISE if may_set and not user_rules else PER_ROW
    log.info("import foreign keys checked %s (role may set session_replication_role: %s; user triggers "
             "and rules on %s: %d)", choice, may_set, ", ".join(WRITTEN_TABLES), user_rules)
    return choice


def role_may_switch_triggers(session):
    """May this role set session_replication_role (superuser, or granted SET on it, PostgreSQL 15+),
    and is it at its normal value (origin)?"""
    row = session.execute(text(
        "SELECT current_setting('session_replication_role'), current_setting('server_version_num')::int, "
        "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")).one()
    setting, version, superuser = row
    if setting != "origin":
        return False
    if superuser:
        return True
    return version >= 150000 and bool(session.execute(text(
        "SELECT has_parameter_privilege('session_replication_role', 'SET')")).scalar())


def user_rules_on_written_tables(session):
    """How many user triggers and rules the written tables have: replica mode would skip them."""
    return int(session.execute(text(
        "SELECT (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
        "   (SELECT oid FROM pg_class WHERE relname = ANY(:names) AND relnamespace = current_schema()::regnamespace))"
        " + (SELECT count(*) FROM pg_rules WHERE schemaname = current_schema() AND tablename = ANY(:names))"),
        {"names": list(WRITTEN_TABLES)}).scalar())


def lock_referenced(session, *, channel_id, sku_ids, actor_id):
    """Lock FOR KEY SHARE what the chunk's rows will reference; MissingReference if any is gone."""
    wanted = [("channels", "channel", [channel_id]),
              ("skus", "SKU", sorted({i for i in sku_ids if i is not None})),
              ("users", "user", [actor_id] if actor_id is not None else [])]
    cursor = session.connection().connection.cursor()
    try:
        for table, noun, ids in wanted:
            if not ids:
                continue
            cursor.execute(f"SELECT id FROM {table} WHERE id = ANY(%s) FOR KEY SHARE", (ids,))
            gone = missing(ids, (row[0] for row in cursor.fetchall()))
            if gone:
                raise MissingReference.worded(
                    "The {noun} with id {ids} was deleted while this import ran; "
                    "the orders from this point on were not imported.", noun=wording(noun),
                    ids=", ".join(map(str, gone)),
                    details={"field": "sku_code" if noun == "SKU" else noun, "missing": gone})
    finally:
        cursor.close()


def missing(wanted_ids, found_ids):
    """The wanted ids not found, in order."""
    found = set(found_ids)
    return [i for i in wanted_ids if i not in found]


@contextmanager
def row_triggers_off(session):
    """Within: this transaction's row triggers (the foreign-key checks) do not fire. Only after
    `choose` said SET_WISE and `lock_referenced` passed."""
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute("SET LOCAL session_replication_role = replica")
        yield
        cursor.execute("SET LOCAL session_replication_role = origin")
    finally:
        cursor.close()
