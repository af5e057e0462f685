"""The one error of estate import: a document or file that cannot be read as an estate."""

from __future__ import annotations

from pydantic import ValidationError


class EstateFormatError(ValueError):
    """What cannot be read, and where: "features[12] (gate g3): coordinates must be [lon,
    lat]". `where` names the feature or OSM element, `problem` says what is wrong with it."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


def validation_problem(exc: ValidationError) -> str:
    """A pydantic error in the same short shape: "floors: Input should be ... ; ref: ...".

    Errors raised by the model's own checks carry no field ("ref 'g1' is used twice")."""
    parts: list[str] = []
    for error in exc.errors(include_url=False):
        message = str(error["msg"]).removeprefix("Value error, ")
        location = ".".join(str(part) for part in error["loc"])
        parts.append(f"{location}: {message}" if location else message)
    return "; ".join(parts)
