"""Addresses as sellers' exports write them: one field split into its parts.

Pure: stdlib and wms.wording only.

    split_address(text) -> AddressParts(province, city, district, street, postcode, problems)
    province_from_name(name) -> "浙江省" | ""

`split_address` takes a Chinese one-field address as Taobao / Tmall, 拼多多, 京东 and 抖店 export it:
`浙江省 杭州市 西湖区 文三路90号 (310012)`, the same without spaces, with the short names
(`浙江杭州西湖区…`), municipalities with or without 市 (`北京 北京市 朝阳区…`, `上海浦东新区…`),
autonomous regions (`内蒙古`, `广西壮族自治区`, `西藏`, `宁夏回族自治区`, `新疆维吾尔自治区`) and the
SARs, a province written in pinyin or English at the start (`Guangdong 深圳市…`, `Beijing Shi 朝阳区…`),
Excel's text guards, a postcode in brackets, after 邮编, or last (Taobao's `000000` means none).
The street is the buyer's text after the divisions, spacing kept. `problems` are wordings
(wms.wording) of what could not be recognised; nothing raises on any text.

`province_from_name` reads a province column: Chinese full or short names, pinyin, English
(`Zhejiang Province`, `Beijing Shi`, `Inner Mongolia`, `Tibet`, `Hong Kong SAR`) and the province
codes of ISO 3166-2:CN and Shopify (`ZJ`, `CN-ZJ`, `YZ`).
"""
import re
from dataclasses import dataclass

from wms.contacts.cn_divisions import PROVINCE_SUFFIXES, divisions, parse_cn, short_name
from wms.contacts.guards import strip_text_guard
from wms.wording import wording

# full name: (romanisations without spaces, lower case ..., ISO 3166-2:CN code)
_ROMAN = {
    "北京市": (("beijing", "peking"), "BJ"), "天津市": (("tianjin",), "TJ"), "河北省": (("hebei",), "HE"),
    "山西省": (("shanxi",), "SX"), "内蒙古自治区": (("neimenggu", "innermongolia", "neimongol"), "NM"),
    "辽宁省": (("liaoning",), "LN"), "吉林省": (("jilin",), "JL"), "黑龙江省": (("heilongjiang",), "HL"),
    "上海市": (("shanghai",), "SH"), "江苏省": (("jiangsu",), "JS"), "浙江省": (("zhejiang",), "ZJ"),
    "安徽省": (("anhui",), "AH"), "福建省": (("fujian",), "FJ"), "江西省": (("jiangxi",), "JX"),
    "山东省": (("shandong",), "SD"), "河南省": (("henan",), "HA"), "湖北省": (("hubei",), "HB"),
    "湖南省": (("hunan",), "HN"), "广东省": (("guangdong", "canton"), "GD"),
    "广西壮族自治区": (("guangxi",), "GX"), "海南省": (("hainan",), "HI"), "重庆市": (("chongqing",), "CQ"),
    "四川省": (("sichuan",), "SC"), "贵州省": (("guizhou",), "GZ"), "云南省": (("yunnan",), "YN"),
    "西藏自治区": (("xizang", "tibet"), "XZ"), "陕西省": (("shaanxi",), "SN"), "甘肃省": (("gansu",), "GS"),
    "青海省": (("qinghai",), "QH"), "宁夏回族自治区": (("ningxia",), "NX"),
    "新疆维吾尔自治区": (("xinjiang",), "XJ"), "台湾省": (("taiwan",), "TW"),
    "香港特别行政区": (("hongkong", "xianggang"), "HK"), "澳门特别行政区": (("macau", "macao", "aomen"), "MO"),
}
# words that may follow (or be part of) a province's name in pinyin / English
_ROMAN_SUFFIXES = frozenset(
    "province sheng shi city municipality autonomous region zizhiqu zhuang zhuangzu hui huizu uygur uyghur "
    "uighur weiwuer weiwuerzu special administrative sar tebie xingzhengqu".split())
_BY_ROMAN = {roman: name for name, (romans, _code) in _ROMAN.items() for roman in romans}
_BY_CODE = {code: name for name, (_romans, code) in _ROMAN.items()} | {"YZ": "西藏自治区"}
_LEADING_WORDS = re.compile(r"[A-Za-z]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_POSTCODE_PATTERNS = (
    re.compile(r"[(\[]\s*(?:邮编|邮政编码)?[:\s]*([0-9]{6})\s*[)\]]\s*$"),
    re.compile(r"(?:邮编|邮政编码)\s*[:]?\s*([0-9]{6})"),
    re.compile(r"(?:^|[\s,，])([0-9]{6})\s*$"),
)
_COUNTRY_WORDS = re.compile(r"^\s*(?:中华人民共和国|中国大陆|中国|China|PRC)[\s,，]*|[\s,，]*(?:中华人民共和国|中国大陆|中国|"
                            r"P\.?\s?R\.?\s?China|China|PRC)\s*$", re.I)
_SEPARATORS = re.compile(r"[\s\u3000,，]")
_STREET_EDGES = " \t\r\n\u3000-—_/,，"
NO_POSTCODE = "000000"


@dataclass(frozen=True)
class AddressParts:
    """One address, split. Empty strings for the parts that were not found."""

    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    postcode: str = ""
    problems: tuple = ()

    @property
    def ok(self):
        return not self.problems


def province_from_name(name):
    """The Chinese full name of a province written in Chinese, pinyin, English or as a code; else ""."""
    text = strip_text_guard(name)
    if not text:
        return ""
    if _CJK.search(text):
        return _chinese_province(re.sub(r"\s+", "", text))
    code = text.upper().removeprefix("CN-")
    if code in _BY_CODE:
        return _BY_CODE[code]
    words = [w.lower() for w in _LEADING_WORDS.findall(text)]
    core = "".join(w for w in words if w not in _ROMAN_SUFFIXES)
    return _BY_ROMAN.get(core or "".join(words), "")


def _chinese_province(text):
    tree = divisions().tree
    if text in tree:
        return text
    return next((name for name in tree if short_name(name, PROVINCE_SUFFIXES) == text), "")


def split_address(text, *, require_district=True):
    """Province / city / district / street / postcode of a one-field address (see module docstring)."""
    body = strip_text_guard(text)
    body, postcode = _take_postcode(body)
    body = _COUNTRY_WORDS.sub("", body).strip(_STREET_EDGES)
    if not body:
        return AddressParts(postcode=postcode, problems=(wording("address is empty"),))
    if not _CJK.search(body):
        return _latin_only(body, postcode)
    body = _leading_roman_province(body)
    parsed = parse_cn(body, require_district=require_district)
    return AddressParts(parsed.province, parsed.city, parsed.district, _after(body, parsed.consumed), postcode,
                        tuple(parsed.problems))


def _take_postcode(text):
    for pattern in _POSTCODE_PATTERNS:
        match = pattern.search(text)
        if match:
            code = match.group(1)
            rest = (text[:match.start()] + " " + text[match.end():]).strip(_STREET_EDGES)
            return rest, "" if code == NO_POSTCODE else code
    return text, ""


def _leading_roman_province(text):
    """`Guangdong 深圳市…` -> `广东省 深圳市…`: the longest run of leading Latin words naming a province."""
    words = []
    for match in _LEADING_WORDS.finditer(text):
        if text[words[-1].end() if words else 0:match.start()].strip(" ,.'-") or len(words) == 6:
            break
        words.append(match)
    for n in range(len(words), 0, -1):
        province = province_from_name(text[:words[n - 1].end()])
        if province:
            return province + " " + text[words[n - 1].end():]
    return text


def _latin_only(text, postcode):
    """An address written in Latin letters: the province is recognised when it is written last."""
    words = list(_LEADING_WORDS.finditer(text))
    for n in range(min(len(words), 4), 0, -1):
        start = words[-n].start()
        province = province_from_name(text[start:])
        if province:
            street = text[:start].strip(_STREET_EDGES)
            return AddressParts(province=province, street=street, postcode=postcode,
                                problems=(wording("city not recognised"),))
    return AddressParts(street=text, postcode=postcode, problems=(wording("province and city not recognised"),))


def _after(text, consumed):
    """The text after its first `consumed` characters (spaces and commas not counted), trimmed."""
    if consumed <= 0:
        return _tidy(text)
    seen = 0
    for index, char in enumerate(text):
        if not _SEPARATORS.match(char):
            seen += 1
            if seen == consumed:
                return _tidy(text[index + 1:])
    return ""


def _tidy(street):
    return re.sub(r"\s{2,}", " ", street.strip(_STREET_EDGES))
