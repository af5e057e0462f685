"""Where a 12345 hotline complaint happened, from its address as people write it.

`parse_address` splits a Chinese address into its parts (city, district, sub-district,
road, number, lane, estate, building, and what is left over). A `Gazetteer` places an
address on the map by the names it knows: a named place first (the friendly map's points),
then an estate, then a road (whose point the entry gives). An address it cannot place is
left for a person to place.

Addresses and names are compared in one normal form: NFKC (full-width digits and letters
become ASCII), case folded, without spaces or punctuation, `#` read as 号, and Chinese
numerals before 号/弄/栋/幢 written as digits (十二号 → 12号).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from gigcity.i18n import N_

# --- normal form -------------------------------------------------------------------------

_HAN = "\u4e00-\u9fff"
_CN_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = re.compile(r"([〇零一二两三四五六七八九十百千]+)(?=号|弄|栋|幢|座|室)")


def _cn_number(numeral: str) -> str:
    if not any(c in _CN_UNITS for c in numeral):
        return "".join(str(_CN_DIGITS[c]) for c in numeral)  # 一二〇 → 120
    total, digit = 0, 0
    for c in numeral:
        if c in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[c]
            digit = 0
        else:
            digit = _CN_DIGITS[c]
    return str(total + digit)


# Spaces, punctuation (but the - of 120-1号 and the # of 5#楼) and invisible characters.
_DROP = {
    cp: None
    for cp in range(0x10000)
    if chr(cp).isspace()
    or (unicodedata.category(chr(cp))[0] == "P" and chr(cp) not in "-#")
    or unicodedata.category(chr(cp)) == "Cf"
}


def clean(text: str) -> str:
    """The address as parsed: NFKC, no spaces or punctuation, # as 号, numerals as digits."""
    flat = unicodedata.normalize("NFKC", text).translate(_DROP).replace("#", "号")
    return _CN_NUMBER.sub(lambda m: _cn_number(m.group(1)), flat)


def match_key(text: str) -> str:
    """The form names and addresses are matched in."""
    return clean(text).casefold()


# --- parsing -----------------------------------------------------------------------------

_CITY = re.compile(
    rf"(?:中国)?(?P<city>上海市|上海|[{_HAN}]{{2,3}}?(?<!超)市(?!场|民|政|容|区|中心))"
)
_DISTRICT = re.compile(
    rf"(?P<district>[{_HAN}]{{2,4}}?(?<![小社园校景厂片商街营城服住宅发])(?:新区|区|县))"
)
_SUBDISTRICT = re.compile(rf"(?P<subdistrict>[{_HAN}]{{2,6}}?(?:镇街道|街道|镇|乡))")
_ESTATE_SUFFIX = "小区|新村|花园|家园|公寓|大厦|大楼|广场|苑|城|村"
_PART = re.compile(
    "|".join(
        (
            # words around a name, so that they do not become part of one
            r"(?P<filler>附近|门口|对面|旁边|周边|一带|路口|交叉口|交界处|靠近|近|旁|在|位于|与|和|及|至|的)",
            r"(?P<building>\d+)(?:号楼|号栋|号座|幢|栋|座)",
            r"(?P<lane>\d+)弄(?!堂)",
            r"(?P<number>\d+(?:-\d+)?)号(?!线|门|楼|栋|座)",
            rf"(?P<road>[{_HAN}]{{2,6}}?(?:大道|公路|支路|弄堂|路|大街|街(?!道|坊|区|面|头|心)|巷))",
            # shortest name first, unless a longer suffix follows (新城花园, not 新城)
            rf"(?P<estate>[{_HAN}A-Za-z]{{1,12}}?(?:{_ESTATE_SUFFIX})(?!{_ESTATE_SUFFIX}|路|街|大道|公路|巷)[A-Za-z]*)",
            r"(?P<other>.)",
        )
    )
)


@dataclass(frozen=True)
class ParsedAddress:
    """An address in parts; a part it does not name is None. `rest` is what is left over
    (a gate, a corner, a cross street: "东门", "近枣阳路")."""

    city: str | None = None
    district: str | None = None
    subdistrict: str | None = None  # 石泉路街道, 真如镇街道, 桃浦镇
    road: str | None = None  # 铜川路
    number: str | None = None  # 1888 (号)
    lane: str | None = None  # 120 (弄)
    estate: str | None = None  # 中海真如环宇城MAX, 真光新村
    building: str | None = None  # 12 (12号楼)
    rest: str = ""


def _digits(value: str) -> str:
    return "-".join(str(int(part)) for part in value.split("-"))


def _admin(text: str) -> tuple[str | None, str | None, str | None, int]:
    """City, district and sub-district at the start of a cleaned address, and where the
    rest begins."""
    city = district = subdistrict = None
    at = 0
    if m := _CITY.match(text, at):
        city = m.group("city")
        city = city if city.endswith("市") else city + "市"
        at = m.end()
    if m := _DISTRICT.match(text, at):
        district, at = m.group("district"), m.end()
    if m := _SUBDISTRICT.match(text, at):
        subdistrict, at = m.group("subdistrict"), m.end()
    return city, district, subdistrict, at


def parse_address(text: str) -> ParsedAddress:
    """The parts of an address as a hotline operator writes it down (best effort: what it
    cannot tell apart is left in `rest`)."""
    flat = clean(text)
    city, district, subdistrict, at = _admin(flat)
    parts: dict[str, str] = {}
    rest: list[str] = []
    for m in _PART.finditer(flat, at):
        kind = m.lastgroup
        assert kind is not None
        if kind in ("filler", "other") or kind in parts:
            rest.append(m.group(0))  # a second road is a cross street: 近枣阳路
            continue
        value = m.group(kind)
        parts[kind] = _digits(value) if kind in ("building", "lane", "number") else value
    return ParsedAddress(
        city=city,
        district=district,
        subdistrict=subdistrict,
        road=parts.get("road"),
        number=parts.get("number"),
        lane=parts.get("lane"),
        estate=parts.get("estate"),
        building=parts.get("building"),
        rest="".join(rest),
    )


# --- the gazetteer -----------------------------------------------------------------------

Kind = Literal["place", "estate", "road"]
KINDS: tuple[Kind, ...] = ("place", "estate", "road")  # in order of preference

HOW: dict[Kind, str] = {
    "place": N_("named place in the address"),
    "estate": N_("estate name"),
    "road": N_("road"),
}

MIN_KEY_CHARS = 2  # a one-character name or alias would match nearly every address


@dataclass(frozen=True)
class Known:
    """A name the gazetteer knows: a named place, an estate or a road, with its point."""

    kind: Kind
    ref: str  # the id in its own table: "place:12", "estate:3", "road:铜川路"
    name: str
    aliases: tuple[str, ...]
    lat: float
    lon: float
    subdistrict: str | None = None


@dataclass(frozen=True)
class Placement:
    """Where an address was placed, and by which part of it (`how`: an English msgid)."""

    kind: Kind
    ref: str
    name: str
    lat: float
    lon: float
    subdistrict: str | None
    how: str


class _Automaton:
    """Aho–Corasick over the names' match keys: every (start, end) at which a key occurs,
    in one pass over the address (about a microsecond a character, whatever the number of
    names)."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.goto: list[dict[str, int]] = [{}]
        self.fail: list[int] = [0]
        self.out: list[tuple[int, ...]] = [()]  # lengths of the keys ending here
        for key in keys:
            state = 0
            for ch in key:
                nxt = self.goto[state].get(ch)
                if nxt is None:
                    nxt = len(self.goto)
                    self.goto[state][ch] = nxt
                    self.goto.append({})
                    self.fail.append(0)
                    self.out.append(())
                state = nxt
            self.out[state] = (len(key),)
        queue = list(self.goto[0].values())
        for state in queue:  # breadth first: a state's fail link is set before its children's
            for ch, nxt in self.goto[state].items():
                queue.append(nxt)
                back = self.fail[state]
                while back and ch not in self.goto[back]:
                    back = self.fail[back]
                target = self.goto[back].get(ch, 0)
                self.fail[nxt] = target if target != nxt else 0
                self.out[nxt] = self.out[nxt] + self.out[self.fail[nxt]]

    def find(self, text: str) -> list[tuple[int, int]]:
        goto, fail, out = self.goto, self.fail, self.out
        found: list[tuple[int, int]] = []
        state = 0
        for end, ch in enumerate(text, start=1):
            while state and ch not in goto[state]:
                state = fail[state]
            state = goto[state].get(ch, 0)
            if out[state]:
                found.extend((end - length, end) for length in out[state])
        return found


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans not inside a longer one: 环宇城MAX inside 中海真如环宇城MAX is the same name
    read again, and a place called 曹杨 inside the estate 曹杨新村 is not what was written."""
    return [
        (s, e)
        for s, e in spans
        if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2 in spans)
    ]


_SUBDISTRICT_KIND = re.compile("(镇街道|街道|镇|乡)$")


def _same_subdistrict(a: str | None, b: str | None) -> bool:
    """石泉路街道 and 石泉路 name one sub-district (a code never equals a name: no match)."""
    if not a or not b:
        return False
    return _SUBDISTRICT_KIND.sub("", match_key(a)) == _SUBDISTRICT_KIND.sub("", match_key(b))


class Gazetteer:
    """Places addresses by the names of `entries` (their names and aliases)."""

    def __init__(self, entries: Iterable[Known]) -> None:
        self._by_key: dict[str, list[Known]] = {}
        for entry in entries:
            for name in (entry.name, *entry.aliases):
                key = match_key(name)
                if len(key) < MIN_KEY_CHARS:
                    continue
                same = self._by_key.setdefault(key, [])
                if entry not in same:
                    same.append(entry)
        self._automaton = _Automaton(self._by_key)

    def __len__(self) -> int:
        return len(self._by_key)

    def place(self, text: str) -> Placement | None:
        """The best-known point for the address `text`, or None (for a person to place).

        A named place wins over an estate and an estate over a road; among places or
        estates the longest name, among roads the first named (the address's own road;
        a cross street comes after 近 or 与). The administrative head (上海市普陀区曹杨新村街道)
        is not matched, so a sub-district named after an estate does not place the address
        at the estate. Of several entries with one name, the one in the sub-district the
        address names comes first."""
        flat = clean(text)
        _, _, subdistrict, at = _admin(flat)
        body = flat[at:].casefold()
        spans = _outermost(self._automaton.find(body))
        if not spans:
            return None
        for kind in KINDS:
            hits = [
                (s, e, entry)
                for s, e in spans
                for entry in self._by_key[body[s:e]]
                if entry.kind == kind
            ]
            if not hits:
                continue
            if kind == "road":
                best = min(hits, key=lambda h: (h[0], -(h[1] - h[0])))
            else:
                best = min(hits, key=lambda h: (-(h[1] - h[0]), h[0]))
            same_name = [h[2] for h in hits if (h[0], h[1]) == (best[0], best[1])]
            local = [e for e in same_name if _same_subdistrict(e.subdistrict, subdistrict)]
            entry = (local or same_name)[0]
            return Placement(
                kind=entry.kind,
                ref=entry.ref,
                name=entry.name,
                lat=entry.lat,
                lon=entry.lon,
                subdistrict=entry.subdistrict or subdistrict,
                how=HOW[kind],
            )
        return None
