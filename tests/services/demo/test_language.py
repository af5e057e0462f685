"""The demo is a Chinese district: the notes of its named places read as Chinese (the
reference data describes them in English for developers)."""

from __future__ import annotations

from gigcity.geo.district import load_district
from gigcity.services.demo import named_places
from web.language_support import latin_sentences


def test_the_named_places_notes_are_chinese() -> None:
    places = {p.name: p for p in named_places(load_district())}
    flagship = places["居高司机之家"]
    assert flagship.notes == "司机之家，面积3000平方米，床位200余张（位置为估计）"
    for place in places.values():
        assert place.notes
        assert not latin_sentences(place.notes), (place.name, place.notes)
