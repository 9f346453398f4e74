"""The wall's hold chips name each reason in the viewer's language, never by its code (issue 17 item 3:
the chips were English codes in the Chinese UI)."""
import json
import re

from tests.builders import make_user
from tests.builders_admin import log_in_as
from wms.i18n import translate
from wms.orders.reason_labels import LABELS


def labels(client, locale):
    html = client.get("/wall/desk", query_string={"lang": locale}).get_data(as_text=True)
    return json.loads(re.search(r'id="wall-labels">(.*?)</script>', html, re.S).group(1))


def test_every_hold_reason_has_a_word_on_the_wall_in_both_languages(app, client):
    log_in_as(client, make_user("supervisor", "wall-words"))
    chinese, english = labels(client, "zh_CN"), labels(client, "en")
    assert {code: chinese.get(code) for code in LABELS} == {code: translate(LABELS[code], "zh_CN") for code in LABELS}
    assert all(re.search(r"[\u4e00-\u9fff]", chinese[code]) for code in LABELS)
    assert {code: english.get(code) for code in LABELS} == LABELS
