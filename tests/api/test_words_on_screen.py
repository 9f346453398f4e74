"""Every page, in both languages, with an order in every state, shows words and not codes (issue 17
item 3): no snake_case token, no English in the Chinese UI, no Chinese in the English UI, except data
(tests/screen_words.py). The walk is derived from `app.url_map`, so pages other engineers add are read
too; each page is read as a role allowed to see it.
"""
import pytest
from sqlalchemy import select, text

from tests.builders_admin import log_in_as
from tests.builders_words import data_texts, every_state_warehouse
from tests.screen_words import problems, visible_text
from wms.orders import states

# Not pages: files, JSON polled by a page's script, the handheld shell (its words are the floor
# catalogue, read by tests/e2e/test_words_on_floor.py), redirects.
NOT_PAGES = {"static", "handheld.service_worker", "handheld.manifest", "handheld.favicon", "health.healthz",
             "catalog.image", "catalog.import_status", "imports.status", "channels.sku_search", "auth.home",
             "handheld.app", "api-docs.openapi_json", "dashboard.kiosk"}
SUFFIXES_NOT_PAGES = (".pdf", ".csv")
READERS = ("admin", "supervisor", "reviewer", "packer", "dock")
# Pages about one order, read for an order in each state they serve.
PER_ORDER = {"review.order": states.ALL_STATES,
             "shipping.order_carrier": (states.APPROVED, states.PACKED, states.LABELLED),
             "aftersales.return_form": (states.SHIPPED, states.DELIVERED, states.RETURNED)}


@pytest.fixture
def warehouse(app):
    by_state = every_state_warehouse()
    return by_state, _ids(), sorted(data_texts())


def _ids():
    """An id for each URL parameter, by name: the first row of its table."""
    from wms.extensions import db

    def first(table, where=""):
        return db.session.scalar(text(f"SELECT min(id) FROM {table} {where}"))

    return {"user_id": first("users", "WHERE role = 'picker'"), "picker_id": first("users", "WHERE username = 'picker'"),
            "channel_id": first("channels"), "sku_id": first("skus"), "warehouse_id": first("warehouses"),
            "wave_id": first("waves"), "manifest_id": first("manifests"), "job_id": first("import_jobs"),
            "import_id": first("sku_import_jobs"), "wall_id": first("put_walls"), "code": "SF"}


def _pages(app, by_state, ids):
    """(endpoint, url, role) of every page, per order state for the pages about one order."""
    from werkzeug.routing import BuildError

    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        if ("GET" not in rule.methods or rule.rule.startswith("/api/") or rule.endpoint in NOT_PAGES
                or rule.rule.endswith(SUFFIXES_NOT_PAGES) or getattr(view, "wms_public", False)):
            continue
        role = next(role for role in READERS if role in view.wms_roles)
        for values in _values(rule, by_state, ids):
            try:
                yield rule.endpoint, rule.build(values, append_unknown=False)[1], role
            except BuildError:
                continue


def _values(rule, by_state, ids):
    if rule.endpoint in PER_ORDER:
        return [{"order_id": by_state[state]} for state in PER_ORDER[rule.endpoint] if state in by_state]
    values = {name: ids.get(name) for name in rule.arguments}
    return [] if None in values.values() else [values]


def _read(client, people, url, role, locale):
    log_in_as(client, people[role])
    response = client.get(url, query_string={"lang": locale})
    return response.status_code, visible_text(response.get_data(as_text=True))


def test_the_warehouse_has_an_order_in_every_state(warehouse):
    by_state, _ids, _data = warehouse
    assert set(by_state) == set(states.ALL_STATES)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_every_page_speaks_the_readers_language_without_raw_codes(app, client, warehouse, locale):
    from wms.auth.models import User
    from wms.extensions import db

    by_state, ids, data = warehouse
    people = {role: db.session.scalar(select(User).where(User.role == role).order_by(User.id).limit(1))
              for role in READERS}
    found, read = {}, 0
    for endpoint, url, role in _pages(app, by_state, ids):
        status, text = _read(client, people, url, role, locale)
        read += 1
        if status != 200:
            found[url] = [f"status {status}"]
        elif problems(text, locale, data):
            found[url] = problems(text, locale, data)
    assert read >= 60  # every page of the desk, the dock, the station and the wall desk was read
    assert found == {}, "\n".join(f"{url}: {', '.join(words)}" for url, words in sorted(found.items()))


def test_the_checker_finds_codes_and_the_other_language():
    assert problems("Status: on_hold", "en") == ["code: on_hold"]
    assert problems("状态: Approved 已审核", "zh_CN") == ["english: Approved"]
    assert problems("Buyer: 王伟 · 待发货", "en", data={"王伟"}) == ["chinese: 待发货"]
    assert problems("订单 DEMO100001 · SKU-0001 · 2 kg", "zh_CN", data={"DEMO100001"}) == []
    assert visible_text('<p title="Hint">Hi<script>var on_hold=1</script><input type="hidden" value="x_y"></p>') \
        == "Hint\nHi"
    assert visible_text('<html lang="zh-CN"><p>订单 <code>buyer_name</code> <span lang="en">Vacuum flask</span></p>') \
        == "订单"
