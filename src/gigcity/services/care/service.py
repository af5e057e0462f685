"""Rest and care, psychological support and meal offers: the service the platform holds
(`platform.care`), assembled from its parts. Its retention rules (call-back numbers, their
read log) are applied by the platform's daily retention job (`retention.care_rules`)."""

from __future__ import annotations

from gigcity.services.care.callbacks import Callbacks
from gigcity.services.care.offers import Offers
from gigcity.services.care.selfcheck import SelfChecks
from gigcity.services.care.sessions import Sessions


class CareService(SelfChecks, Callbacks, Sessions, Offers):
    """The anonymous self-check, call-backs, group sessions, meal and water offers."""
