"""Message catalogs: every marked string has a Chinese translation; language negotiation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from gigcity.i18n import gettext, negotiate_locale

ROOT = Path(__file__).resolve().parents[1]


def test_every_message_in_code_has_a_chinese_translation(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-k", "N_", "--no-default-keywords",
         "-o", str(pot), "src/gigcity/api", "src/gigcity/http", "src/gigcity/services"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as fh:
        wanted = {m.id for m in read_po(fh) if m.id}
    po = ROOT / "src/gigcity/locales/zh_CN/LC_MESSAGES/messages.po"
    with po.open("rb") as fh:
        have = {m.id: m.string for m in read_po(fh) if m.id}
    missing = sorted(m for m in wanted if not have.get(m))  # type: ignore[call-overload]
    assert missing == [], "run `python tools/i18n.py` and translate these"
    for msgid, text in have.items():
        for name in ("{id}", "{name}", "{field}", "{max}", "{reason}"):
            if name in str(msgid):
                assert name in str(text), f"translation of {msgid!r} lost {name}"


@pytest.mark.parametrize(
    ("explicit", "header", "expected"),
    [
        (None, None, "zh_CN"),
        (None, "en-US,en;q=0.9", "en"),
        (None, "fr-FR, en;q=0.5, zh;q=0.8", "zh_CN"),
        (None, "zh-TW", "zh_CN"),
        ("en", "zh-CN", "en"),
        ("klingon", "en", "en"),
        (None, "en;q=garbage, zh;q=0.1", "zh_CN"),
        (None, "*", "zh_CN"),
    ],
)
def test_negotiation(explicit: str | None, header: str | None, expected: str) -> None:
    assert negotiate_locale(explicit, header, "zh_CN") == expected


def test_translation_fills_parameters() -> None:
    assert gettext("zh_CN", "Service point {id} does not exist.", id=7) == "服务点 7 不存在。"
    assert (
        gettext("en", "Service point {id} does not exist.", id=7)
        == "Service point 7 does not exist."
    )
