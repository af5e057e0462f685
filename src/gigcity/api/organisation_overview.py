"""The district's organisation overview over HTTP (issue 20). (Being written.)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/organisation", tags=["organisation"])
