"""Chinese address parsing speed (runs on every imported order). Prints one JSON line.

    .venv/bin/python bench/address_parse.py [--n 100000]
Keys: addresses, seconds, us_per_address.
"""
import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wms.contacts.cn_divisions import parse_cn  # noqa: E402

SAMPLES = ["浙江省杭州市西湖区文三路90号1幢101室", "北京朝阳区建国路88号", "广东深圳南山区科技园科苑路15号",
           "上海市浦东新区世纪大道100号", "四川省成都市武侯区人民南路四段1号", "asdfgh"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    n = parser.parse_args().n
    texts = [SAMPLES[i % len(SAMPLES)] for i in range(n)]
    started = time.perf_counter()
    for text in texts:
        parse_cn(text)
    seconds = time.perf_counter() - started
    print(json.dumps({"addresses": n, "seconds": round(seconds, 3), "us_per_address": round(1e6 * seconds / n, 1)}))


if __name__ == "__main__":
    main()
