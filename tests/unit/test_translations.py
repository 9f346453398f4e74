"""The zh_CN catalogues merge into one: the same English key must not mean two different things."""
import json
from collections import defaultdict
from pathlib import Path

CATALOGUES = Path(__file__).resolve().parents[2] / "wms" / "translations" / "zh_CN"


def test_no_english_key_has_two_different_chinese_translations():
    meanings = defaultdict(dict)
    for path in sorted(CATALOGUES.glob("*.json")):
        for english, chinese in json.loads(path.read_text(encoding="utf-8")).items():
            meanings[english][path.name] = chinese
    clashes = {key: files for key, files in meanings.items() if len(set(files.values())) > 1}
    assert clashes == {}


def test_every_catalogue_is_valid_json_with_string_values():
    for path in CATALOGUES.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()), path.name


def _placeholders(text):
    import string

    return sorted({name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None})


def test_every_translation_keeps_the_placeholders_of_its_english_key():
    for path in CATALOGUES.glob("*.json"):
        for english, chinese in json.loads(path.read_text(encoding="utf-8")).items():
            assert _placeholders(chinese) == _placeholders(english), (path.name, english, chinese)
