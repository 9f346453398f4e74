"""Chinese addresses parse into province / city / district + street; others are format-checked."""

import pytest

from wms.contacts.cn_divisions import parse_cn, short_name
from wms.contacts.international import validate_international
from wms.wording import english


def english_of(problems):
    return [english(problem) for problem in problems]


@pytest.mark.parametrize("text, expected", [
    ("浙江省杭州市西湖区文三路90号1幢101室", ("浙江省", "杭州市", "西湖区", "文三路90号1幢101室")),
    ("浙江杭州西湖区文三路90号", ("浙江省", "杭州市", "西湖区", "文三路90号")),
    ("北京市朝阳区建国路88号", ("北京市", "北京市", "朝阳区", "建国路88号")),
    ("北京朝阳区建国路88号", ("北京市", "北京市", "朝阳区", "建国路88号")),
    ("上海市上海市浦东新区世纪大道1号", ("上海市", "上海市", "浦东新区", "世纪大道1号")),
    ("杭州市西湖区文三路90号", ("浙江省", "杭州市", "西湖区", "文三路90号")),
    ("吉林省延边朝鲜族自治州延吉市人民路5号", ("吉林省", "延边朝鲜族自治州", "延吉市", "人民路5号")),
    ("新疆维吾尔自治区乌鲁木齐市天山区解放路", ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "解放路")),
    ("海南省琼海市嘉积镇人民路1号", ("海南省", "琼海市", "", "嘉积镇人民路1号")),
    ("广东省东莞市长安镇沙头路", ("广东省", "东莞市", "", "长安镇沙头路")),
    ("浙江省 杭州市　西湖区 文三路 90 号", ("浙江省", "杭州市", "西湖区", "文三路90号")),
])
def test_a_chinese_address_parses_into_its_parts(text, expected):
    parsed = parse_cn(text)
    assert (parsed.province, parsed.city, parsed.district, parsed.rest) == expected
    assert parsed.problems == []


def test_a_province_repeated_by_the_street_field_is_dropped_once():
    parsed = parse_cn("浙江省" + "浙江省杭州市西湖区文三路1号")
    assert (parsed.city, parsed.district, parsed.rest) == ("杭州市", "西湖区", "文三路1号")


def test_a_street_that_starts_like_a_district_elsewhere_is_kept():
    assert parse_cn("重庆渝中区解放碑步行街").rest == "解放碑步行街"


def test_a_city_in_the_wrong_province_is_a_problem():
    parsed = parse_cn("浙江省广州市天河区体育西路")
    assert "广州市 is not in 浙江省" in english_of(parsed.problems)


@pytest.mark.parametrize("text, problem", [
    ("asdfgh", "province and city not recognised"),
    ("", "address is empty"),
    ("江苏省南京市", "street address missing"),
    ("江苏省南京市中山路1号", "district not recognised"),
    ("浙江省杭州市西湖区123", "street address is only a number"),
])
def test_obviously_broken_addresses_report_a_problem(text, problem):
    assert problem in english_of(parse_cn(text).problems)


def test_a_district_name_shared_by_two_cities_is_not_guessed():
    parsed = parse_cn("西湖区文三路1号")  # 杭州 and 南昌 both have a 西湖区
    assert parsed.city == "" and not parsed.ok


def test_short_names_drop_suffixes_and_ethnic_groups():
    assert short_name("广西壮族自治区", ("壮族自治区", "省")) == "广西"
    assert short_name("黔东南苗族侗族自治州", ("自治州",)) == "黔东南"
    assert short_name("和平区", ("区",)) == "和平"
    assert short_name("城区", ("区",)) is None


@pytest.mark.parametrize("country, region, city, postcode", [
    ("US", "CA", "San Jose", "95113"), ("US", "NY", "New York", "10001-1234"),
    ("GB", "", "London", "SW1A 1AA"), ("DE", "", "Berlin", "10115"), ("CA", "ON", "Toronto", "M5V 3L9"),
    ("JP", "", "Tokyo", "100-0001"), ("AU", "NSW", "Sydney", "2000"), ("HK", "", "Kowloon", ""),
])
def test_well_formed_international_addresses_pass(country, region, city, postcode):
    assert validate_international(country, region, city, postcode, "1 Main Street") == []


@pytest.mark.parametrize("country, region, postcode, problem", [
    ("US", "XX", "95113", "region 'XX' is not a US state/province code"),
    ("US", "CA", "9511", "postcode '9511' does not fit US"),
    ("DE", "", "ABCDE", "postcode 'ABCDE' does not fit DE"),
    ("USA", "", "", "country 'USA' is not an ISO 3166 two-letter code"),
])
def test_malformed_international_addresses_say_what_is_wrong(country, region, postcode, problem):
    assert problem in english_of(validate_international(country, region, "Town", postcode, "1 Main Street"))
