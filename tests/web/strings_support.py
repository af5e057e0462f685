"""The strings a page's script shows, as the page carries them (a JSON block translated by
the template): the checks every page with a script makes, in one place."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from web.test_pages import CJK, assets

PLACEHOLDER = re.compile(r"\{\w+\}")


@dataclass(frozen=True)
class PageStrings:
    chinese_html: str
    english_html: str
    chinese: dict[str, str]
    english: dict[str, str]
    asked: set[str]  # the keys the script asks for by name (`say("key")`, or its `caller`)


def page_strings(
    client: TestClient, path: str, block: str, script: Path, caller: str = "say"
) -> PageStrings:
    """The page at `path` in Chinese and English and its strings block `block`, checked: the
    script carries no Chinese of its own, both languages have the same keys, each string is
    translated (or has no English words) with the same placeholders. `caller` is the name
    the script reads this block through (`say` unless it reads several blocks)."""
    source = script.read_text(encoding="utf-8")
    assert not CJK.search(source), f"{script.name} carries Chinese text of its own"
    chinese_html = client.get(path, headers={"Accept-Language": "zh-CN"}).text
    english_html = client.get(path, params={"lang": "en"}).text
    chinese = json.loads(assets(chinese_html).blocks[block])
    english = json.loads(assets(english_html).blocks[block])
    assert chinese.keys() == english.keys()
    for key, text in chinese.items():
        words = PLACEHOLDER.sub("", text)
        assert text != english[key] or not re.search(r"[a-z]{3}", words), key
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english[key])), key
    asked = set(re.findall(rf"\b{caller}\(\s*\"([a-z0-9_]+)\"\s*[,)]", source))
    return PageStrings(chinese_html, english_html, chinese, english, asked)
