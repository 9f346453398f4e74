"""What a browser submits for a page's form: its inputs' values and each select's chosen option
(used by the import page tests and bench/upload_limits.py, which post the mapping form as shown)."""
from html.parser import HTMLParser


class FormFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields, self._select, self._first = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("file", "checkbox"):
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "input" and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.fields[attrs["name"]] = attrs.get("value", "on")
        elif tag == "select":
            self._select, self._first = attrs.get("name"), None
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = attrs.get("value", "")
                self.fields[self._select] = self._first
            if "selected" in attrs:
                self.fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_of(html):
    parser = FormFields()
    parser.feed(html)
    return parser.fields
