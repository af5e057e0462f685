"""The governance service ("people's voice + data"): hotline complaints placed and sorted
by topic, surveys and consultation meetings, hotspots, measures and their effect, and the
district dashboard — every figure scoped by `GovernanceBase.area`."""

from __future__ import annotations

from gigcity.services.governance.complaints import ComplaintsMixin
from gigcity.services.governance.consultations import ConsultationsMixin
from gigcity.services.governance.dashboard import DashboardMixin
from gigcity.services.governance.hotspots import HotspotsMixin
from gigcity.services.governance.measures import MeasuresMixin
from gigcity.services.governance.surveys import SurveysMixin


class GovernanceService(
    ComplaintsMixin,
    HotspotsMixin,
    MeasuresMixin,
    SurveysMixin,
    ConsultationsMixin,
    DashboardMixin,
):
    """Assembled from one mixin per job, on the shared `GovernanceBase`."""
