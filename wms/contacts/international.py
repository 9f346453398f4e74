"""Addresses outside China: postcode and region formats per country.

Pure: stdlib and wms.wording only.
"""
import re

from wms.wording import wording

POSTCODES = {
    "US": r"\d{5}(-\d{4})?", "CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", "IE": r"[A-Z]\d[\dW] ?[A-Z\d]{4}",
    "DE": r"\d{5}", "FR": r"\d{5}", "IT": r"\d{5}", "ES": r"\d{5}", "FI": r"\d{5}",
    "NL": r"\d{4} ?[A-Z]{2}", "BE": r"\d{4}", "CH": r"\d{4}", "AT": r"\d{4}", "DK": r"\d{4}",
    "NO": r"\d{4}", "SE": r"\d{3} ?\d{2}", "PL": r"\d{2}-\d{3}", "PT": r"\d{4}-\d{3}",
    "AU": r"\d{4}", "NZ": r"\d{4}", "JP": r"\d{3}-?\d{4}", "KR": r"\d{5}", "SG": r"\d{6}",
    "MY": r"\d{5}", "TH": r"\d{5}", "VN": r"\d{5,6}", "IN": r"\d{6}", "RU": r"\d{6}",
    "BR": r"\d{5}-?\d{3}", "MX": r"\d{5}", "TW": r"\d{3}(\d{2,3})?", "CN": r"\d{6}",
}
NO_POSTCODE = frozenset({"HK", "MO", "AE", "QA"})
REGIONS = {
    "US": set("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
              "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP".split()),
    "CA": set("AB BC MB NB NL NS NT NU ON PE QC SK YT".split()),
    "AU": set("ACT NSW NT QLD SA TAS VIC WA".split()),
}
_COMPILED = {code: re.compile(pattern) for code, pattern in POSTCODES.items()}


def validate_international(country, region, city, postcode, street):
    """Problems with a non-Chinese address (empty list when it looks deliverable)."""
    country = (country or "").strip().upper()
    problems = []
    if not re.fullmatch(r"[A-Z]{2}", country):
        return [wording("country '{country}' is not an ISO 3166 two-letter code", country=country)]
    if len((street or "").strip()) < 3:
        problems.append(wording("street address missing"))
    if not (city or "").strip() and country not in {"SG", "HK", "MO"}:
        problems.append(wording("city missing"))
    region_codes = REGIONS.get(country)
    if region_codes and (region or "").strip().upper() not in region_codes:
        problems.append(wording("region '{region}' is not a {country} state/province code", region=region,
                                country=country))
    pattern = _COMPILED.get(country)
    code = (postcode or "").strip().upper()
    if pattern and not pattern.fullmatch(code):
        problems.append(wording("postcode '{postcode}' does not fit {country}", postcode=postcode, country=country))
    return problems
