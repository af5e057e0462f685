"""The documentation a newcomer meets: a short README with the quickstart, and no broken links.

The site itself (`mkdocs build --strict`, which also checks anchors and the API reference)
is built in CI by .ci/run, not here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
README_MAX_BYTES = 10 * 1024  # a front door, read in minutes; the rest lives in docs/

QUICKSTART = (
    "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/gigcity serve --demo",
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test,postgres]' && .venv/bin/pytest",
)

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+).+?\1", re.DOTALL)
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.MULTILINE)
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # http:, https:, mailto:, ...


def documents() -> list[Path]:
    docs = sorted((ROOT / "docs").rglob("*.md"))
    return [README, ROOT / "CONTRIBUTING.md", ROOT / "SECURITY.md", *docs]


def link_targets(markdown: str) -> list[str]:
    """Every link target of a Markdown text, outside code blocks and code spans."""
    text = CODE_SPAN.sub("", FENCE.sub("", markdown))
    return INLINE_LINK.findall(text) + REFERENCE_LINK.findall(text)


def relative_file(target: str) -> str | None:
    """The file part of a relative link, or None for external links and anchors."""
    if EXTERNAL.match(target) or target.startswith(("#", "/")):
        return None
    return target.split("#", 1)[0].split("?", 1)[0] or None


def test_readme_is_short() -> None:
    size = len(README.read_bytes())
    assert size < README_MAX_BYTES, (
        f"README.md is {size:,} bytes, over {README_MAX_BYTES:,}: move the details into docs/"
    )


@pytest.mark.parametrize("command", QUICKSTART)
def test_readme_has_the_quickstart(command: str) -> None:
    assert command in README.read_text(encoding="utf-8"), f"README.md lost `{command}`"


def test_link_finder_sees_links_and_skips_code() -> None:
    text = (
        'See [a](docs/a.md#part), ![img](pic.png "title") and [b][ref].\n\n'
        "[ref]: other.md\n\n"
        "`[not](a-link.md)`\n\n```md\n[not](either.md)\n```\n"
        "[web](https://example.org/x.md) [here](#anchor)\n"
    )
    found = [relative_file(t) for t in link_targets(text)]
    assert [f for f in found if f] == ["docs/a.md", "pic.png", "other.md"]


@pytest.mark.parametrize("document", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_at_files_that_exist(document: Path) -> None:
    assert document.is_file(), f"{document.relative_to(ROOT)} is missing"
    broken = [
        target
        for target in link_targets(document.read_text(encoding="utf-8"))
        if (path := relative_file(target)) is not None and not (document.parent / path).exists()
    ]
    assert not broken, f"{document.relative_to(ROOT)} links to files that do not exist: {broken}"
