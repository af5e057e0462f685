"""The "three ones" over HTTP: letters, learning, books (issue 20). (Being written.)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/organisation", tags=["organisation"])
