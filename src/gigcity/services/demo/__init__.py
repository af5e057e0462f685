"""Deterministic demo data: service points over the district, one account per role, a month
of reports with their rewards, and a day of deliveries for the demo rider. Same seed, same
data."""

from gigcity.services.demo.pay import seed_demo_pay
from gigcity.services.demo.places import (
    DEMO_KEY_NAME,
    DEMO_PASSWORD,
    DemoLogin,
    bulk_insert_places,
    demo_api_key,
    generate_places,
    named_places,
    seed_demo,
)
from gigcity.services.demo.reports import seed_demo_reports

__all__ = [
    "DEMO_KEY_NAME",
    "DEMO_PASSWORD",
    "DemoLogin",
    "bulk_insert_places",
    "demo_api_key",
    "generate_places",
    "named_places",
    "seed_demo",
    "seed_demo_pay",
    "seed_demo_reports",
]
