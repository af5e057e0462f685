"""Who may see a report's photos, and the signed, short-lived URLs of published ones.

Photos may show faces and number plates, so a photo is served only to

- whoever uploaded it, and whoever filed its report (the rider's account, or the platform
  key that sent it over Open311): the report's own photos and the officer's "after" photos;
- the grid officers of the report's sub-district (and its assigned officer), and of the
  report it was merged into;
- district admins;

and to anyone else not at all: the answer is 404, as for a photo that does not exist, so
nobody learns that it does. The public sees an officer's "after" photo only once an officer
has published it, and then only through a URL signed with the installation's secret
(HMAC-SHA256) that expires within `SIGNED_URL_TTL`; taking the photo back (unpublishing)
stops even unexpired URLs. Nothing is blurred automatically.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import Report, ReportPhoto
from gigcity.services.accounts import Principal, Role
from gigcity.services.accounts.instance_secrets import get_or_create_secret
from gigcity.services.reports.access import is_officer_of

SIGNING_SECRET = "report_photo_url_key"
SIGNED_URL_TTL = timedelta(minutes=15)
# Signed URLs are issued for whole minutes ahead, so a page's URLs stay the same for a
# while (the browser's cache works) and still expire within the TTL.
_ROUND_S = 60


def _officer_for(principal: Principal, report: Report) -> bool:
    return is_officer_of(principal, report) or (
        principal.role == Role.officer
        and principal.account_id is not None
        and report.assignee_id == principal.account_id
    )


def filed(principal: Principal, report: Report) -> bool:
    """Whether `principal` filed `report` (its rider, or the platform key that sent it)."""
    if principal.role == Role.platform:
        return principal.api_key_id is not None and principal.api_key_id == report.api_key_id
    return report.reporter_id is not None and report.reporter_id == principal.account_id


def may_see(
    principal: Principal | None,
    photo: ReportPhoto,
    report: Report | None,
    keeper: Report | None = None,
) -> bool:
    """Whether `principal` may see `photo` of `report` (None while staged), which may have
    been merged into `keeper`."""
    if principal is None:
        return False
    if principal.role == Role.admin:
        return True
    if photo.uploaded_by is not None and photo.uploaded_by == principal.account_id:
        return True
    if report is None:
        return False
    if filed(principal, report) or _officer_for(principal, report):
        return True
    return keeper is not None and _officer_for(principal, keeper)


class PhotoSigner:
    """Signs and checks photo URLs with a key the installation keeps in its database (made
    on first use, the same for every worker)."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        clock: Callable[[], datetime],
        ttl: timedelta = SIGNED_URL_TTL,
    ) -> None:
        self._factory = factory
        self._clock = clock
        self.ttl = ttl
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        if self._key is None:
            value = get_or_create_secret(
                self._factory, SIGNING_SECRET, lambda: secrets.token_hex(32)
            )
            self._key = bytes.fromhex(value)
        return self._key

    def _mac(self, name: str, expires: int) -> str:
        message = f"report-photo\n{name}\n{expires}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def query(self, name: str) -> str:
        """The query string (`exp`, `sig`) that lets anyone fetch `name` until it expires."""
        now = int(self._clock().timestamp())
        ttl = int(self.ttl.total_seconds())
        expires = now + ttl - (now + ttl) % _ROUND_S
        if expires <= now:
            expires = now + ttl
        return urlencode({"exp": expires, "sig": self._mac(name, expires)})

    def check(self, name: str, expires: int | None, signature: str | None) -> bool:
        """Whether the signature is ours for `name` and `expires`, which has not passed and
        lies no further ahead than the TTL."""
        if expires is None or not signature:
            return False
        now = self._clock().timestamp()
        if not now < expires <= now + self.ttl.total_seconds():
            return False
        return hmac.compare_digest(self._mac(name, expires), signature)
