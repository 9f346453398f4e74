"""Contact normalising speed (runs on every imported order). Prints one JSON line.

    .venv/bin/python bench/address_parse.py [--n 100000]
Keys: addresses, seconds, us_per_address (parse_cn, the review's parse), us_per_split
(contacts.split_address: guards, postcode, pinyin province, parse), us_per_phone
(contacts.normalise_phone over mixed written forms and countries).
"""
import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wms.contacts.address import split_address  # noqa: E402
from wms.contacts.cn_divisions import parse_cn  # noqa: E402
from wms.contacts.phone import normalise_phone  # noqa: E402

SAMPLES = ["浙江省杭州市西湖区文三路90号1幢101室", "北京朝阳区建国路88号", "广东深圳南山区科技园科苑路15号",
           "上海市浦东新区世纪大道100号", "四川省成都市武侯区人民南路四段1号", "asdfgh"]
ONE_FIELD = ["浙江省 杭州市 西湖区 文三路90号 (310012)", "北京 北京市 朝阳区 建国路88号 000000",
             "Guangdong 深圳市 南山区 科苑路15号", '="内蒙古呼和浩特市新城区中山路1号"', "山东济南市中区经十路1号",
             "asdfgh"]
PHONES = [("13800138000", "CN"), ("138 0013 8000", "CN"), ("+86 138 0013 8000", "CN"), ("'13800138000", "CN"),
          ("0571-88888888", "CN"), ("(415) 555-2671", "US")]


def timed(fn, items, n):
    started = time.perf_counter()
    for i in range(n):
        fn(items[i % len(items)])
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    n = parser.parse_args().n
    seconds = timed(parse_cn, SAMPLES, n)
    split = timed(split_address, ONE_FIELD, n)
    phone = timed(lambda item: normalise_phone(*item), PHONES, n)
    print(json.dumps({"addresses": n, "seconds": round(seconds, 3), "us_per_address": round(1e6 * seconds / n, 1),
                      "us_per_split": round(1e6 * split / n, 1), "us_per_phone": round(1e6 * phone / n, 1)}))


if __name__ == "__main__":
    main()
