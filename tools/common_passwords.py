"""Build the bundled list of common passwords (src/gigcity/services/accounts/common_passwords.txt).

    python tools/common_passwords.py PATH/TO/common-passwords.txt.gz

The input is Django's list (django/contrib/auth/common-passwords.txt.gz in any Django 4.2+
wheel: 20,000 common passwords by Royce Williams, lowercased, deduplicated, most common
first; BSD-3-Clause, © Django Software Foundation and individual contributors). We keep its
10,000 most common entries and, from the rest, those of 10 characters or more (shorter ones
are refused for their length anyway), then add local guesses: the platform's and the
district's names with the usual suffixes, and keyboard walks. Repeated and consecutive
characters are refused by a rule in code (`gigcity.services.accounts.passwords`), not listed.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "gigcity" / "services" / "accounts" / "common_passwords.txt"
TOP = 10_000
MIN_LENGTH = 10  # keep in step with gigcity.services.accounts.passwords.MIN_LENGTH

BASES = (
    "gigcity", "putuo", "shanghai", "putuoqu", "changshou", "caoyang", "zhenru", "qishou",
    "waimai", "kuaidi", "meituan", "eleme", "didi", "rider", "driver", "delivery", "admin",
    "officer", "station", "yizhan", "password", "mima", "woaini", "qwerty",
)  # fmt: skip
SUFFIXES = (
    "", "1", "12", "123", "1234", "12345", "123456", "1234567", "12345678", "123456789",
    "2023", "2024", "2025", "2026", "2027", "!", "@123", "#123", "123!", "888", "666", "520",
    "1314", "5201314", "@2025", "@2026", "_123", ".123", "000", "111", "abc", "admin",
)  # fmt: skip
WALKS = (
    "1234567890", "0987654321", "qwertyuiop", "poiuytrewq", "asdfghjkl", "lkjhgfdsa",
    "zxcvbnm", "mnbvcxz", "1qaz2wsx", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv", "zaq12wsx",
    "zaq1xsw2cde3", "1q2w3e4r", "1q2w3e4r5t", "1q2w3e4r5t6y", "1q2w3e4r5t6y7u8i9o0p",
    "q1w2e3r4t5", "q1w2e3r4t5y6", "qazwsxedc", "qazwsxedcrfv", "qweasdzxc", "qweasdzxc123",
    "asdfghjkl;", "zxcvbnm,./", "qwertyuiop[]", "1qazxsw2", "!qaz2wsx", "!qaz@wsx",
    "!qaz@wsx#edc", "qwer1234", "asdf1234", "zxcv1234", "qwerasdf", "qwerasdfzxcv",
    "1234qwer", "1234asdf", "123qweasd", "123qweasdzxc", "qwe123456", "abc123456",
    "abcd123456", "a1234567890", "aa123456789", "qq123456789", "woaini1314520",
)  # fmt: skip


def local_guesses() -> list[str]:
    words = [base + suffix for base in BASES for suffix in SUFFIXES]
    words += [base.capitalize() + suffix for base in BASES[:6] for suffix in SUFFIXES]
    words += list(WALKS) + [w + "!" for w in WALKS] + [w * 2 for w in WALKS if len(w) < 10]
    return [w.lower() for w in words]


def build(source: Path) -> list[str]:
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        ranked = [line.strip() for line in fh if line.strip()]
    chosen = ranked[:TOP] + [w for w in ranked[TOP:] if len(w) >= MIN_LENGTH]
    seen: set[str] = set()
    out = []
    for word in chosen + local_guesses():
        if word not in seen and "\n" not in word:
            seen.add(word)
            out.append(word)
    return out


HEADER = """\
# Common passwords, refused by gigcity.services.accounts.passwords (compared lowercased).
# Built by tools/common_passwords.py: the 10,000 most common entries of Django's list
# (django/contrib/auth/common-passwords.txt.gz: 20,000 common passwords by Royce Williams,
# https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce; Django is
# BSD-3-Clause, (c) Django Software Foundation and individual contributors), its longer
# entries (10+ characters) from the rest, and local guesses (platform and district names
# with common suffixes, keyboard walks). Lines starting with '# ' are comments.
"""


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    words = build(Path(sys.argv[1]))
    OUT.write_text(HEADER + "\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {len(words)} passwords to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
