"""The whole API against its own OpenAPI document (schemathesis), in process, on demo data.

Every operation of /openapi.json (the /api routers and Open311) gets generated requests,
valid and invalid, once signed in as a district admin and once with a platform API key
holding every scope. A run fails on any 5xx and on any answer that is not as declared:
its status code, its content type, its body against the declared schema.

Reproducible: a fixed seed, derandomized generation, no example database, a bounded number
of examples per operation. Runs once, on SQLite (the schema is the same on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from sqlalchemy import select

from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.db.models import Account, ApiKey
from gigcity.db.session import transaction
from gigcity.services.demo import DEMO_PASSWORD, demo_api_key, seed_demo, seed_demo_pay
from gigcity.services.platform import Platform

pytestmark = pytest.mark.slow

SEED = 20251111
# Examples per operation in the fuzzing phase (the coverage phase adds its own boundary
# cases): ~410 operations, each run as a district admin and with a platform key; 15 keeps
# the whole at a few minutes on a two-core machine as the API grows.
MAX_EXAMPLES = 15
DEMO_POINTS = 150

CONFIG: dict[str, Any] = {
    "seed": SEED,
    "generation": {
        "deterministic": True,
        "database": "none",
        "max-examples": MAX_EXAMPLES,
        # The fuzz signs in itself (below); generated credentials would only be refused.
        "with-security-parameters": False,
    },
    "phases": {"stateful": {"enabled": False}},
    "checks": {
        "enabled": False,
        "not_a_server_error": {"enabled": True},
        "status_code_conformance": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
        # Methods a path does not have: 405 with an `Allow` header.
        "unsupported_method": {"enabled": True},
    },
}


@dataclass
class FuzzTarget:
    app: FastAPI
    admin_headers: dict[str, str]
    key_headers: dict[str, str]
    admin_id: int
    key_id: int


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzTarget]:
    """`gigcity serve --demo` in process: demo points, accounts, reports, a rider's day."""
    database: Path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    settings = Settings(
        mode="demo",
        database_url=f"sqlite:///{database}",
        # Thousands of requests from one client: rate limits would answer most of them 429.
        report_rate_account_per_hour=0,
        report_rate_ip_per_hour=0,
        report_photo_rate_account_per_hour=0,
        open311_rate_ip_per_minute=0,
    )
    # No workbench engine: POST /api/workbench/runs is fuzzed, but answers 409 instead of
    # starting simulations in the background.
    platform = Platform.from_settings(settings)
    platform.upgrade_database()
    with transaction(platform.factory) as session:
        seed_demo(session, platform.district, count=DEMO_POINTS, seed=7)
        key = demo_api_key(session)
    seed_demo_pay(platform)
    with platform.factory() as session:
        admin_id = session.scalar(select(Account.id).where(Account.username == "admin"))
        key_id = session.scalar(select(ApiKey.id).where(ApiKey.name == "demo platform"))
    assert admin_id is not None
    assert key_id is not None
    token = platform.accounts.sign_in("admin", DEMO_PASSWORD).access_token
    yield FuzzTarget(
        app=create_app(settings, platform),
        admin_headers={"Authorization": f"Bearer {token}"},
        key_headers={"X-API-Key": key},
        admin_id=admin_id,
        key_id=key_id,
    )
    platform.close()


def _without_tuples(node: Any) -> Any:
    """Each JSON Schema 2020-12 tuple (`prefixItems`) as an array of its item types.

    schemathesis 4.32 rewrites `prefixItems` of response schemas into draft-7 `items: [...]`
    and then rejects that as an invalid 2020-12 schema (e.g. `Markers`, `ClosureOut`). The
    document served stays exact; only the fuzz's copy checks positions less strictly."""
    if isinstance(node, list):
        return [_without_tuples(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _without_tuples(value) for key, value in node.items()}
    positions = out.pop("prefixItems", None)
    if positions is not None:
        out["items"] = {"anyOf": positions}
    return out


def _document() -> dict[str, Any]:
    """The app's OpenAPI document; it depends on the code only (no database is opened)."""
    settings = Settings(mode="demo", database_url="sqlite:///never-opened.db")
    platform = Platform.from_settings(settings)
    try:
        return _without_tuples(create_app(settings, platform).openapi())  # type: ignore[no-any-return]
    finally:
        platform.close()


# Built when the module is collected, so each operation is a test item of its own.
schema = schemathesis.openapi.from_dict(_document(), config=schemathesis.Config.from_dict(CONFIG))


# Calls that would lock the fuzz out (every later call answering 401): deactivating its
# admin, revoking its key. They are sent to the next row instead.
_LOCKOUTS = {
    "PUT /api/accounts/{account_id}/active": "account_id",
    "DELETE /api/api-keys/{key_id}": "key_id",
}


def _spare_own_credentials(case: schemathesis.Case, target: FuzzTarget) -> None:
    name = _LOCKOUTS.get(case.operation.label)
    own = {"account_id": target.admin_id, "key_id": target.key_id}
    if name and case.path_parameters and case.path_parameters.get(name) == own[name]:
        case.path_parameters[name] = own[name] + 1


@schema.parametrize()
def test_api_as_district_admin_and_with_platform_key(
    case: schemathesis.Case, target: FuzzTarget
) -> None:
    """Each generated request sent twice: signed in as the admin, then with the key (one
    item per operation: the cases, the same for both, are built once)."""
    _spare_own_credentials(case, target)
    case.call_and_validate(app=target.app, headers=target.admin_headers)
    case.call_and_validate(app=target.app, headers=target.key_headers)
