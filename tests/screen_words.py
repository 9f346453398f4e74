"""What a person reads on a screen, and the words that must not be there (issue 17 item 3).

`visible_text(html)` keeps what a browser shows: text outside <script>/<style>/<template>, the labels
people read in attributes (placeholder, title, aria-label, alt, a button's value). Left out as not
wording: what the page marks as literal - <code>/<kbd>/<samp>/<pre> (a column name a file must carry,
a job's function and its error as Python wrote it), translate="no" and the app's `mono` class (the
monospace it gives codes), an element that declares its own `lang` (an example value in the language
its field asks for, not the page's) - and a <textarea>'s content (what a person typed, or a JSON setting under
"advanced"). `problems(text,
locale, data)` names the words a person should never read:
- a snake_case token (`on_hold`, `unknown_sku`, `buyer_name`): a code, not a word, in any language;
- in Chinese, an English word that is neither data nor on the short ALLOWED_IN_CHINESE list;
- in English, Chinese text that is not data.
`data` holds the texts the warehouse typed or partners sent (names, addresses, codes): those are shown
as they are in both languages. Used by the page walk (tests/api) and the browser walk (tests/e2e).
"""
import re
from html.parser import HTMLParser

SNAKE = re.compile(r"(?<![\w./-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w/])")
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]")  # one letter is a label (zone A, side L), not a word
# A URL, a host or a file name (https://api.kuaidi100.com, E:SIMSUN.TTF, wms.review.services) is literal.
PATH_LIKE = re.compile(r"[A-Za-z][\w-]*(?:(?:://|[.:/])[\w-]+)+")
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff60]+")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# English a Chinese warehouse screen shows as it is, each for a reason:
ALLOWED_IN_CHINESE = {
    # the product and the people's own abbreviations (Chinese warehouses say them in English letters)
    "WMS", "SKU", "SKUs", "PIN", "QR", "ID", "IDs", "API", "PDA", "TV", "OK",
    # file formats, printer and barcode standards, encodings and signature methods people choose between
    "CSV", "XLSX", "PDF", "ZPL", "JSON", "EAN", "UTF", "GBK", "HMAC", "MD", "SHA",
    # units next to numbers
    "g", "kg", "mm", "cm", "m", "s", "ms", "min", "h", "px", "x", "KB", "MB", "GB",
    # currencies and brands (platform and carrier names are written this way in Chinese too)
    "CNY", "USD", "Shopify", "Kuaidi", "Excel",
    # trade terms (Incoterms: who pays the duties), written so in every language
    "DDU", "DDP",
    # a language named in its own language (the language menu lists 中文 and English)
    "English",
}
# A language named in its own language (the language menu lists 中文 and English).
ALLOWED_IN_ENGLISH = {"中文"}
ALLOWED_SNAKE = set()


class _Visible(HTMLParser):
    NOT_WORDING = {"script", "style", "template", "noscript", "textarea", "code", "kbd", "samp", "pre"}
    VOID = {"input", "img", "br", "hr", "meta", "link", "source", "wbr", "area", "col", "embed"}
    READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip_tag, self.skip_depth, self.page_lang = [], None, 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.skip_tag:
            self.skip_depth += tag == self.skip_tag
            return
        if tag == "html":
            self.page_lang = attrs.get("lang")
            return
        literal = (attrs.get("translate") == "no" or "mono" in (attrs.get("class") or "").split()
                   or attrs.get("lang", self.page_lang) != self.page_lang)
        if tag in self.NOT_WORDING or literal:
            if tag not in self.VOID:
                self.skip_tag, self.skip_depth = tag, 1
            return
        if tag == "input" and attrs.get("type") == "hidden":
            return
        self.parts.extend(attrs[name] for name in self.READ_ATTRIBUTES if attrs.get(name))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if self.skip_tag == tag:
            self.skip_depth -= 1
            if not self.skip_depth:
                self.skip_tag = None

    def handle_data(self, data):
        if not self.skip_tag and data.strip():
            self.parts.append(data)


def visible_text(html):
    """The text a person reads on the page, one piece per line."""
    parser = _Visible()
    parser.feed(html)
    return "\n".join(part.strip() for part in parser.parts)


def _without_data(text, data):
    """The text with every data value cut out (longest first, so a name is not cut into pieces); a value
    that starts or ends with a letter or digit only as a whole word there (the country CN, not CNY's CN)."""
    for value in data:
        if value not in text:
            continue
        before = r"(?<![A-Za-z0-9])" if value[0].isascii() and value[0].isalnum() else ""
        after = r"(?![A-Za-z0-9])" if value[-1].isascii() and value[-1].isalnum() else ""
        text = re.sub(before + re.escape(value) + after, " ", text)
    return text


def problems(text, locale, data=()):
    """The words of `text` that should not be on a screen in `locale` (a sorted list)."""
    data = sorted(set(data), key=len, reverse=True)
    rest = PATH_LIKE.sub(" ", _without_data(text, data))
    found = {f"code: {token}" for token in SNAKE.findall(rest) if token not in ALLOWED_SNAKE}
    if locale == "en":
        found |= {f"chinese: {run}" for run in CJK_RUN.findall(rest)
                  if CJK.search(run) and run not in ALLOWED_IN_ENGLISH}
    else:
        rest = SNAKE.sub(" ", rest)
        found |= {f"english: {word}" for word in ENGLISH_WORD.findall(rest)
                  if word not in ALLOWED_IN_CHINESE}
    return sorted(found)
