"""Demo mode gives the demo rider a day of deliveries to read on the statement page."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from gigcity.db.session import transaction
from gigcity.services.demo import seed_demo, seed_demo_pay
from gigcity.services.platform import Platform
from support import principal


def test_demo_rider_has_yesterdays_statement_once(platform: Platform) -> None:
    with transaction(platform.factory) as session:
        seed_demo(session, platform.district, count=40)
    reported = seed_demo_pay(platform)
    assert 15 <= reported <= 40
    assert seed_demo_pay(platform) == 0  # a second start adds nothing
    rider = principal(platform, "rider")
    assert rider.account_id is not None
    yesterday = datetime.now(ZoneInfo(platform.settings.timezone)).date() - timedelta(days=1)
    statement = platform.pay.statement(rider, rider.account_id, yesterday)
    assert len(statement.deliveries) == reported
    assert statement.total_fen >= statement.guaranteed_fen > 0
    assert statement.rulebook.id == "putuo-2025"
