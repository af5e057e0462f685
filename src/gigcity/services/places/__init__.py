"""The friendly map (友好地图): service points for riders and drivers."""

from gigcity.services.places.hours import OpeningHours, parse_opening_hours
from gigcity.services.places.schemas import (
    AMENITY_LABELS,
    KIND_LABELS,
    Amenities,
    Amenity,
    AuditEntry,
    Beds,
    Markers,
    Meals,
    NavLinks,
    PlaceCreate,
    PlaceKind,
    PlaceOut,
    PlaceStatus,
    PlaceUpdate,
)
from gigcity.services.places.service import PlacesService
from gigcity.services.places.transfer import (
    ImportReport,
    export_geojson,
    import_csv,
    import_geojson,
)

__all__ = [
    "AMENITY_LABELS",
    "KIND_LABELS",
    "Amenities",
    "Amenity",
    "AuditEntry",
    "Beds",
    "ImportReport",
    "Markers",
    "Meals",
    "NavLinks",
    "OpeningHours",
    "PlaceCreate",
    "PlaceKind",
    "PlaceOut",
    "PlaceStatus",
    "PlaceUpdate",
    "PlacesService",
    "export_geojson",
    "import_csv",
    "import_geojson",
    "parse_opening_hours",
]
