"""Estates for the last hundred metres on the platform: the estates service (kept by admins,
grid officers and property staff, audited), import and export, and the seven-colour guide."""

from gigcity.services.estates.schemas import (
    AuditEntry,
    EstateImportReport,
    EstateRecord,
    EstateSummary,
    EstateUpdate,
    GuideAnswer,
    GuidePoint,
    GuideZone,
    ImportItem,
)
from gigcity.services.estates.service import EstatesService
from gigcity.services.estates.transfer import (
    export_geojson,
    format_of,
    import_estates,
    read_estates,
)

__all__ = [
    "AuditEntry",
    "EstateImportReport",
    "EstateRecord",
    "EstateSummary",
    "EstateUpdate",
    "EstatesService",
    "GuideAnswer",
    "GuidePoint",
    "GuideZone",
    "ImportItem",
    "export_geojson",
    "format_of",
    "import_estates",
    "read_estates",
]
