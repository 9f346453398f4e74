"""Chinese addresses: parse one string into province / city / district + rest, with problems.

Pure: stdlib and wms.wording only. China uses the compact division tree in
data/divisions_cn.json (34 provinces, ~370 prefecture-level cities, ~2,900 districts; generated
once by data/build_divisions.py).

Parsing walks the string left to right, one level at a time, taking the longest known name (full
or short form: 浙江省/浙江, 杭州市/杭州) that the string starts with. Each level is a dict lookup
per length that a name starting with the string's first character has (a handful), so a parse
costs a few dozen dict lookups (bench/address_parse.py: ~15 µs an address). A level that is
missing (no province written, only the city) is inferred from the level below when that is
unambiguous. Where a name could end in two places (济南市中区: 济南市 + 中区, or 济南 + 市中区;
临汾乡宁县), the reading after which the next level is found wins.
"""
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from wms.wording import wording

_DATA = Path(__file__).parent / "data" / "divisions_cn.json"

NATIONS = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
    "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
    "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺").split()
_ETHNIC_TAIL = re.compile("(?:%s)族$" % "|".join(sorted(NATIONS, key=len, reverse=True)))
PROVINCE_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")
_CITY_SUFFIXES = ("自治州", "地区", "市", "盟", "县")
_DISTRICT_SUFFIXES = ("自治县", "自治旗", "林区", "特区", "新区", "区", "县", "市", "旗")
# A short name followed by one of these was really a longer name we do not know: don't take it.
_DIVISION_CHARS = frozenset("省市区县旗州盟镇乡")
_SPACES = re.compile(r"[\s\u3000,，]+")


@dataclass
class ParsedAddress:
    """The outcome of parsing: the parts found, what is left, and what looks wrong."""

    province: str = ""
    city: str = ""
    district: str = ""
    rest: str = ""
    consumed: int = 0   # how many characters (spaces and commas not counted) the divisions took
    problems: list = field(default_factory=list)   # wordings (wms.wording): shown in the reader's language

    @property
    def ok(self):
        return not self.problems


@lru_cache(maxsize=8192)
def short_name(name, suffixes):
    """浙江省 -> 浙江, 延边朝鲜族自治州 -> 延边; None when the short form would be one character."""
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            while _ETHNIC_TAIL.search(stem):
                stem = _ETHNIC_TAIL.sub("", stem)
            return stem if len(stem) >= 2 else None
    return None


class _Index:
    """Longest-prefix lookup over full and short names, by the lengths the first character allows."""

    def __init__(self):
        self.full, self.short = {}, {}
        self.lengths = {"full": {}, "short": {}}   # first character -> name lengths, longest first

    def add(self, name, value, suffixes):
        self._put(self.full, "full", name, value)
        short = short_name(name, suffixes)
        if short and short != name:
            self._put(self.short, "short", short, value)

    def _put(self, table, kind, name, value):
        table.setdefault(name, []).append(value)
        lengths = self.lengths[kind].setdefault(name[0], [])
        if len(name) not in lengths:
            lengths.append(len(name))
            lengths.sort(reverse=True)

    def candidates(self, text):
        """Every (values, length, blocked) of a full or short name `text` starts with, longest first.
        blocked: a short name followed by a division character (perhaps a longer name we do not
        know), taken only when the next level then fits."""
        if not text:
            return []
        found = []
        for table, kind in ((self.full, "full"), (self.short, "short")):
            for n in self.lengths[kind].get(text[0], ()):
                values = table.get(text[:n]) if n <= len(text) else None
                if values:
                    found.append((values, n, kind == "short" and text[n:n + 1] in _DIVISION_CHARS))
        if len(found) > 1:
            found.sort(key=lambda candidate: -candidate[1])
        return found

    def match(self, text, fits=None):
        """(values, matched length): the longest candidate after which `fits(values, rest)` holds,
        else the longest that is not blocked; (None, 0) when there is none."""
        found = self.candidates(text)
        if fits is not None and (len(found) > 1 or found and found[0][2]):   # only when there is a choice
            for values, n, _blocked in found:
                if fits(values, text[n:]):
                    return values, n
        return next(((values, n) for values, n, blocked in found if not blocked), (None, 0))


class Divisions:
    """China's administrative divisions, indexed for parsing."""

    def __init__(self, tree):
        self.tree = tree
        self.provinces, self.cities, self.districts = _Index(), _Index(), _Index()
        self.cities_in, self.districts_in = {}, {}
        for province, cities in tree.items():
            self.provinces.add(province, province, PROVINCE_SUFFIXES)
            self.cities_in[province] = _Index()
            for city, districts in cities.items():
                self.cities.add(city, (province, city), _CITY_SUFFIXES)
                self.cities_in[province].add(city, (province, city), _CITY_SUFFIXES)
                self.districts_in[(province, city)] = index = _Index()
                for district in districts:
                    self.districts.add(district, (province, city, district), _DISTRICT_SUFFIXES)
                    index.add(district, (province, city, district), _DISTRICT_SUFFIXES)

    def has_districts(self, province, city):
        return bool(self.tree.get(province, {}).get(city))


@lru_cache(maxsize=1)
def divisions():
    """The division index, built once per process (~20 ms)."""
    return Divisions(json.loads(_DATA.read_text(encoding="utf-8")))


def parse_cn(text, *, require_district=True):
    """Parse a Chinese address string into province / city / district / rest with problems."""
    data = divisions()
    s = _SPACES.sub("", text or "")
    out = ParsedAddress()
    values, n = data.provinces.match(s, lambda values, rest: _cities_fit(data, values[0], rest))
    if values:
        out.province, s = values[0], s[n:]
        s = _skip(s, _names(out.province, PROVINCE_SUFFIXES))
    s = _parse_city(s, out, data)
    s = _parse_district(s, out, data)
    out.consumed = len(_SPACES.sub("", text or "")) - len(s)
    out.rest = s.strip("-—_/ ")
    out.problems = _problems(out, data, text, require_district)
    return out


def _cities_fit(data, province, rest):
    """A city of the province follows (after the province's name repeated, as the 省 field does)."""
    return data.cities_in[province].match(_skip(rest, _names(province, PROVINCE_SUFFIXES)))[0] is not None


def _districts_fit(data, values, rest):
    """One city, and one of its districts follows right after its name."""
    if len(set(values)) != 1:
        return False
    index = data.districts_in.get(values[0])
    return bool(index and index.match(rest)[0])


def _parse_city(s, out, data):
    index = data.cities_in[out.province] if out.province else data.cities
    values, n = index.match(s, lambda values, rest: _districts_fit(data, values, rest))
    if values and len(set(values)) == 1:
        out.province, out.city = values[0]
        if _districts_fit(data, values, s[n:]):   # 阿拉善盟阿拉善左旗: a district that starts like its city
            return s[n:]
        return _skip(s[n:], _names(out.city, _CITY_SUFFIXES) | _names(out.province, PROVINCE_SUFFIXES))
    if values and out.province:
        return s
    if out.province and not values:
        foreign, m = data.cities.match(s)
        if foreign and foreign[0][0] != out.province:
            out.city = foreign[0][1]
            out.problems.append(wording("{city} is not in {province}", city=out.city, province=out.province))
            return s[m:]
        only = list(data.tree[out.province])
        if len(only) == 1:  # a municipality: 北京市 is both province and city
            out.city = only[0]
    return s


def _parse_district(s, out, data):
    if out.city:
        index = data.districts_in.get((out.province, out.city))
        values, n = index.match(s) if index else (None, 0)
        if values:
            out.district = values[0][2]
            return _skip(s[n:], _names(out.district, _DISTRICT_SUFFIXES))
        return s
    values, n = data.districts.match(s)
    if values:
        if out.province:
            values = [v for v in values if v[0] == out.province]
        if len(values) == 1 and (n == len(values[0][2]) or out.province):
            out.province, out.city, out.district = values[0]
            return _skip(s[n:], _names(out.district, _DISTRICT_SUFFIXES))
    return s


@lru_cache(maxsize=8192)
def _names(name, suffixes):
    short = short_name(name, suffixes)
    return frozenset({name, short} if short else {name})


def _skip(s, names):
    """Drop a name repeated right after its level (the 省 field + an address that repeats it)."""
    for name in sorted(names, key=len, reverse=True):
        if s.startswith(name) and not (name != max(names, key=len) and s[len(name):len(name) + 1]
                                       in _DIVISION_CHARS):
            return _skip(s[len(name):], names)
    return s


def _problems(out, data, text, require_district):
    problems = list(out.problems)
    if not (text or "").strip():
        return [wording("address is empty")]
    if not out.province and not out.city:
        problems.append(wording("province and city not recognised"))
    elif not out.city:
        problems.append(wording("city not recognised"))
    elif require_district and not out.district and data.has_districts(out.province, out.city):
        problems.append(wording("district not recognised"))
    if len(out.rest) < 2:
        problems.append(wording("street address missing"))
    elif out.rest.isdigit():
        problems.append(wording("street address is only a number"))
    return problems
