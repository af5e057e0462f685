"""Volunteer teams over HTTP (issue 20). (Being written.)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/volunteers", tags=["volunteers"])
