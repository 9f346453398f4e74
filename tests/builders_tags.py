"""Builders for the tag rules' tests."""
from types import SimpleNamespace

from wms.review import tagging


def make_tag_rule(name="VIP south", actor="supervisor1", **form):
    """A tag rule made through the service, as the form would post it (text fields)."""
    fields = {"name": name, "regions": "广东", "tags": "VIP", **form}
    return tagging.create_rule(fields, actor=SimpleNamespace(username=actor))
