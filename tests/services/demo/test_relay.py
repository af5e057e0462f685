"""The demo seeds relay delivery at the sample estate: consents, items at each stage with
intact custody chains, an item for the demo courier; seeding twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from gigcity.db.models import RelayItem
from gigcity.db.session import transaction
from gigcity.services.demo import seed_demo
from gigcity.services.demo.relay import DEMO_CONFIRM_CODE
from gigcity.services.platform import Platform
from gigcity.services.relay import CodeIn
from support import principal


def test_the_demo_courier_has_a_queue_and_an_item_to_deliver(platform: Platform) -> None:
    with transaction(platform.factory) as session:
        seed_demo(session, platform.district, count=20)
    with transaction(platform.factory) as session:
        seed_demo(session, platform.district, count=20)
    with platform.factory() as session:
        items = session.scalar(select(func.count()).select_from(RelayItem))
        ids = list(session.scalars(select(RelayItem.id)))
    assert items == 5
    assert all(platform.relay.verify_custody(i) is None for i in ids)
    courier = principal(platform, "courier")
    point = platform.relay.my_points(courier)[0]
    queue = platform.relay.queue(courier, point.estate_id, point.ref)
    assert len(queue.waiting) == 3
    assert "not_claimed" in queue.waiting[0].alerts
    mine = platform.relay.my_items(courier)
    assert len(mine) == 1
    done = platform.relay.deliver(courier, mine[0].id, CodeIn(code=DEMO_CONFIRM_CODE))
    assert done.state == "delivered"
