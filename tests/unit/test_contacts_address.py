"""One-field addresses from sellers' exports split into province / city / district / street / postcode."""
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wms.contacts.address import AddressParts, province_from_name, split_address
from wms.contacts.cn_divisions import divisions
from wms.wording import english


def parts(found):
    return (found.province, found.city, found.district, found.street, found.postcode)


@pytest.mark.parametrize("text, expected", [
    ("浙江省 杭州市 西湖区 文三路90号 (310012)", ("浙江省", "杭州市", "西湖区", "文三路90号", "310012")),
    ("浙江省杭州市西湖区文三路90号（310012）", ("浙江省", "杭州市", "西湖区", "文三路90号", "310012")),
    ("浙江杭州西湖区文三路90号 310012", ("浙江省", "杭州市", "西湖区", "文三路90号", "310012")),
    ("北京 北京市 朝阳区 建国路88号 000000", ("北京市", "北京市", "朝阳区", "建国路88号", "")),
    ("北京朝阳区建国路88号", ("北京市", "北京市", "朝阳区", "建国路88号", "")),
    ("上海浦东新区世纪大道1号", ("上海市", "上海市", "浦东新区", "世纪大道1号", "")),
    ("天津市和平区南京路1号", ("天津市", "天津市", "和平区", "南京路1号", "")),
    ("重庆 重庆市 渝中区 解放碑步行街", ("重庆市", "重庆市", "渝中区", "解放碑步行街", "")),
    ("内蒙古呼和浩特市新城区中山路1号", ("内蒙古自治区", "呼和浩特市", "新城区", "中山路1号", "")),
    ("广西壮族自治区南宁市青秀区民族大道1号", ("广西壮族自治区", "南宁市", "青秀区", "民族大道1号", "")),
    ("西藏拉萨市城关区北京中路1号", ("西藏自治区", "拉萨市", "城关区", "北京中路1号", "")),
    ("宁夏回族自治区 银川市 兴庆区 解放街1号", ("宁夏回族自治区", "银川市", "兴庆区", "解放街1号", "")),
    ("新疆乌鲁木齐市天山区解放路2号 邮编:830000", ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "解放路2号", "830000")),
    ("香港特别行政区 九龙城区 太子道西1号", ("香港特别行政区", "九龙城区", "", "太子道西1号", "")),
    ("澳门 花王堂区 大堂街1号", ("澳门特别行政区", "澳门特别行政区", "花王堂区", "大堂街1号", "")),
    ("Guangdong 深圳市 南山区 科苑路15号", ("广东省", "深圳市", "南山区", "科苑路15号", "")),
    ("Beijing Shi 朝阳区 建国路88号", ("北京市", "北京市", "朝阳区", "建国路88号", "")),
    ("Zhejiang Province 杭州市西湖区文三路 90 号", ("浙江省", "杭州市", "西湖区", "文三路 90 号", "")),
    ('="浙江省杭州市西湖区文三路90号"', ("浙江省", "杭州市", "西湖区", "文三路90号", "")),
    ("中国 浙江省 杭州市 西湖区 文三路 90 号 1 幢", ("浙江省", "杭州市", "西湖区", "文三路 90 号 1 幢", "")),
])
def test_a_one_field_address_splits_into_its_parts(text, expected):
    found = split_address(text)
    assert parts(found) == expected
    assert found.problems == ()


@pytest.mark.parametrize("text, expected", [
    ("山东济南市中区经十路1号", ("山东省", "济南市", "市中区", "经十路1号")),
    ("山西临汾乡宁县新华街1号", ("山西省", "临汾市", "乡宁县", "新华街1号")),
    ("江苏镇江京口区中山东路1号", ("江苏省", "镇江市", "京口区", "中山东路1号")),
    ("浙江宁波镇海区骆驼街道1号", ("浙江省", "宁波市", "镇海区", "骆驼街道1号")),
    ("内蒙古阿拉善盟阿拉善左旗巴彦浩特镇1号", ("内蒙古自治区", "阿拉善盟", "阿拉善左旗", "巴彦浩特镇1号")),
])
def test_a_name_that_could_end_in_two_places_is_read_the_way_the_next_level_fits(text, expected):
    found = split_address(text)
    assert (found.province, found.city, found.district, found.street) == expected


def test_an_english_address_finds_its_province_written_last():
    found = split_address("90 Wensan Road, Xihu District, Hangzhou, Zhejiang 310012")
    assert parts(found) == ("浙江省", "", "", "90 Wensan Road, Xihu District, Hangzhou", "310012")
    assert [english(p) for p in found.problems] == ["city not recognised"]


@pytest.mark.parametrize("text, problem", [
    ("", "address is empty"), ("(310012)", "address is empty"), ("asdf", "province and city not recognised"),
])
def test_an_address_that_cannot_be_split_says_so(text, problem):
    assert problem in [english(p) for p in split_address(text).problems]


@pytest.mark.parametrize("name, province", [
    ("Zhejiang", "浙江省"), ("zhejiang province", "浙江省"), ("Beijing Shi", "北京市"), ("Shanghai", "上海市"),
    ("Inner Mongolia", "内蒙古自治区"), ("Nei Mongol", "内蒙古自治区"), ("Tibet", "西藏自治区"),
    ("Xizang Zizhiqu", "西藏自治区"), ("Guangxi Zhuang Autonomous Region", "广西壮族自治区"),
    ("Xinjiang Uygur Autonomous Region", "新疆维吾尔自治区"), ("Ningxia Hui", "宁夏回族自治区"),
    ("Shaanxi", "陕西省"), ("Shanxi", "山西省"), ("Hong Kong SAR", "香港特别行政区"), ("Macao", "澳门特别行政区"),
    ("CN-ZJ", "浙江省"), ("GD", "广东省"), ("YZ", "西藏自治区"), ("浙江", "浙江省"), ("广西", "广西壮族自治区"),
    ("北京市", "北京市"), ("Atlantis", ""), ("", ""),
])
def test_a_province_column_is_read_in_chinese_pinyin_english_or_as_a_code(name, province):
    assert province_from_name(name) == province


def _known_divisions():
    rows = []
    for province, cities in divisions().tree.items():
        for city, districts in cities.items():
            rows.append((province, city, districts[0] if districts else ""))
            rows.extend((province, city, district) for district in districts[1:3])
    return rows


STREETS = st.builds(lambda number, name, tail: f"{number}{name}{tail}",
                    st.integers(1, 999).map(str), st.sampled_from(["号", "号院", "弄", "号楼"]),
                    st.sampled_from(["", "1幢101室", "A座 12层", "B栋"]))


@settings(max_examples=150, deadline=None)
@given(place=st.sampled_from(_known_divisions()), street=STREETS, spaced=st.booleans(),
       postcode=st.sampled_from(["", " (310012)", "（100000）", " 邮编：518000", " 000000"]))
def test_a_known_province_city_and_district_round_trip_through_one_field(place, street, spaced, postcode):
    province, city, district = place
    assume(province not in ("香港特别行政区",))   # its districts are cities of their own in the tree
    joiner = " " if spaced else ""
    found = split_address(joiner.join(filter(None, (province, city, district, street))) + postcode)
    assert (found.province, found.city, found.district) == (province, city, district)
    assert found.street.replace(" ", "") == street.replace(" ", "")
    assert found.postcode == "".join(ch for ch in postcode if ch.isdigit()).replace("000000", "")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_no_text_makes_the_address_splitter_raise(text):
    found = split_address(text)
    assert isinstance(found, AddressParts)
    assert found.province == "" or found.province in divisions().tree


FRAGMENTS = ["浙江省", "浙江", "杭州市", "西湖区", "北京", "北京市", "朝阳区", "内蒙古", "阿拉善盟", "市中区", "镇", "乡",
             "Zhejiang", "Province", "Beijing Shi", "Hong Kong", " ", "，", "(", ")", "（310012）", "邮编：", "000000",
             "'", '="', '"', "=", "中国", "China", "1号", "-", "/", "\t", "Road"]


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=10))
def test_no_mix_of_address_fragments_makes_the_splitter_raise_or_invent_a_postcode(pieces):
    text = "".join(pieces)
    found = split_address(text)
    assert found.province == "" or found.province in divisions().tree
    assert found.postcode == "" or (len(found.postcode) == 6 and found.postcode.isascii() and found.postcode.isdigit())
    assert province_from_name(text) == "" or province_from_name(text) in divisions().tree
