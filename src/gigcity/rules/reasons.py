"""Why a decision came out as it did: the clause of the rulebook version that produced it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Reason(BaseModel):
    """One clause's part in a decision, e.g. why an order was refused or a fee was paid."""

    model_config = ConfigDict(frozen=True)

    rulebook: str
    version: int
    clause: str
    text: str

    def __str__(self) -> str:
        return f"{self.text} [{self.clause}, {self.rulebook}@{self.version}]"
