"""Why a decision came out as it did: the clause of the rulebook version that produced it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from gigcity.rules.messages import Message


class Reason(BaseModel):
    """One clause's part in a decision, e.g. why an order was refused or a fee was paid.

    `message` is what the engine means (an id with parameters), rendered in the reader's
    language at the edge; `text` is the same in English, for logs and older clients.
    """

    model_config = ConfigDict(frozen=True)

    rulebook: str
    version: int
    clause: str
    text: str
    message: Message | None = None

    def __str__(self) -> str:
        return f"{self.text} [{self.clause}, {self.rulebook}@{self.version}]"
