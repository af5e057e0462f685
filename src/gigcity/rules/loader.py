"""Reading rulebooks from YAML, with errors that name the file, the line, the clause and the fault."""

from __future__ import annotations

import types
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from gigcity.rules.messages import Message, RuleFault, say
from gigcity.rules.model import Rulebook
from gigcity.rules.titles import clause_titles

_SHIPPED = "rulebooks"
_SUFFIXES = (".yaml", ".yml")

Loc = tuple[int | str, ...]


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One thing wrong with a rulebook: where (dotted path, line if known) and what —
    `message` in English; `said` the same as a message id for the reader's language, or
    `error` a pydantic error (type and context) the edge translates by its type."""

    path: str
    message: str
    line: int | None = None
    said: Message | None = None
    error: dict[str, Any] | None = None


class RulebookError(ValueError):
    """A rulebook that cannot be used; `problems` lists every fault found."""

    def __init__(self, source: str, problems: list[RuleProblem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(self._describe(problem) for problem in self.problems))

    def _describe(self, problem: RuleProblem) -> str:
        where = f"{self.source}:{problem.line}" if problem.line else self.source
        return f"{where}: {problem.path}: {problem.message}"


def list_rulebooks() -> list[str]:
    """Names of the rulebooks shipped with gigcity, e.g. `['baseline-2024', 'putuo-2025']`."""
    folder = resources.files("gigcity.rules") / _SHIPPED
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


def load_rulebook(path_or_name: str | Path) -> Rulebook:
    """A shipped rulebook by name (`putuo-2025`) or any rulebook file by path."""
    text = str(path_or_name)
    if isinstance(path_or_name, Path) or text.endswith(_SUFFIXES) or "/" in text:
        path = Path(path_or_name)
        try:
            content = path.read_text(encoding="utf-8")
        except OSError as error:
            problem = RuleProblem("(file)", error.strerror or str(error))
            raise RulebookError(str(path), [problem]) from None
        return parse_rulebook(content, source=str(path))
    return _shipped(text)


@cache
def _shipped(name: str) -> Rulebook:
    shipped = list_rulebooks()
    if name not in shipped:
        message = f"no shipped rulebook of that name (shipped: {', '.join(shipped)})"
        raise RulebookError(name, [RuleProblem("(name)", message)])
    entry = resources.files("gigcity.rules") / _SHIPPED / f"{name}.yaml"
    return parse_rulebook(entry.read_text(encoding="utf-8"), source=f"{name}.yaml")


# A rulebook is a few levels deep and a few hundred values long. Text that nests deeper, or
# whose aliases expand to more values, is refused before anything walks or builds it: deep
# nesting would exhaust the parser's recursion, and a few hundred bytes of nested aliases
# (a "billion laughs") expand to billions of values.
MAX_DEPTH = 24
MAX_VALUES = 20_000


class _TooLarge(yaml.YAMLError):
    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader, refusing nesting deeper than MAX_DEPTH while it composes."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
                raise _TooLarge(f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _expanded_size(root: yaml.Node) -> int:
    """How many values `root` stands for once every alias is expanded, counted without
    expanding anything (each node's size once); a node that contains itself is refused."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise _TooLarge("an alias refers to a value that contains it", node.start_mark)
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        open_nodes.discard(key)
        sizes[key] = min(total, MAX_VALUES + 1)  # enough to know it is too large
        return sizes[key]

    return size(root)


def _load(text: str) -> tuple[yaml.Node | None, Any]:
    """The YAML node tree (for line numbers) and the data it stands for, within the bounds."""
    loader = _BoundedLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        if _expanded_size(root) > MAX_VALUES:
            raise _TooLarge(f"more than {MAX_VALUES} values once aliases are expanded", None)
        return root, loader.construct_document(root)
    finally:
        loader.dispose()


def parse_rulebook(text: str, source: str = "<text>", *, stored: bool = False) -> Rulebook:
    """A rulebook from YAML text; `source` names it in error messages.

    `stored`: the text of a version published before Chinese titles were required (read
    as it was published; everything loaded or published now needs `title_zh`)."""
    clause_titles()  # a clause without its titles is an error before any rulebook loads
    try:
        root, data = _load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(error, "problem", None) or str(error)
        said = say("rulebook.not_yaml")
        problem = RuleProblem("(yaml)", f"not valid YAML: {what}", line, said)
        raise RulebookError(source, [problem]) from None
    duplicates = list(_duplicate_keys(root, ()))
    if duplicates:
        raise RulebookError(source, duplicates)
    if not isinstance(data, dict):
        said = say("rulebook.not_mapping")
        raise RulebookError(source, [RuleProblem("(top)", said.english(), None, said)])
    try:
        return Rulebook.model_validate(data, context={"stored": stored})
    except ValidationError as error:
        problems = [_problem(detail, root) for detail in error.errors(include_url=False)]
        raise RulebookError(source, problems) from None


def dump_rulebook(rulebook: Rulebook) -> str:
    """YAML text that `parse_rulebook` reads back into an equal rulebook (comments are lost)."""
    return yaml.safe_dump(
        rulebook.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=100
    )


def _problem(detail: ErrorDetails, root: yaml.Node | None) -> RuleProblem:
    loc: Loc = tuple(detail["loc"])
    message = detail["msg"].removeprefix("Value error, ")
    context = dict(detail.get("ctx") or {})
    cause = context.pop("error", None)
    said: Message | None = None
    error: dict[str, Any] | None = None
    if detail["type"] == "extra_forbidden":
        said = say("rulebook.unknown_key", key=repr(loc[-1]))
        message = f"{said.english()} (allowed here: {', '.join(_keys_at(loc[:-1]))})"
    elif detail["type"] == "missing":
        said = say("rulebook.missing_key")
    elif isinstance(cause, RuleFault):
        said = cause.message
        if cause.path and not loc:  # a check across sections names its clause
            loc = tuple(cause.path.split("."))
    else:  # pydantic's own check (a type, a bound): translated by its type at the edge
        error = {"type": detail["type"], "ctx": context, "msg": message}
    if said is not None and detail["type"] != "extra_forbidden":
        message = said.english()
    return RuleProblem(_dotted(loc), message, _line(root, loc), said, error)


def _dotted(loc: Loc) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return path or "(top)"


def _keys_at(loc: Loc) -> list[str]:
    model: type[BaseModel] | None = Rulebook
    for part in loc:
        if model is None:
            return []
        if isinstance(part, str):
            field = model.model_fields.get(part)
            model = _model_in(field.annotation) if field else None
    return list(model.model_fields) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    # Looks through `X | None` and `tuple[X, ...]` for the section model inside.
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType, tuple):
        for argument in get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None


def _line(root: yaml.Node | None, loc: Loc) -> int | None:
    node = root
    line = root.start_mark.line + 1 if root is not None else None
    for part in loc:
        node = _child(node, part)
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, part: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == part:
                found: yaml.Node = value
                return found
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        child: yaml.Node = node.value[part]
        return child
    return None


def _duplicate_keys(node: yaml.Node | None, loc: Loc) -> list[RuleProblem]:
    problems: list[RuleProblem] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                said = say("rulebook.duplicate_key")
                problems.append(
                    RuleProblem(
                        _dotted((*loc, key.value)), said.english(), key.start_mark.line + 1, said
                    )
                )
            seen.add(key.value)
            problems.extend(_duplicate_keys(value, (*loc, key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems.extend(_duplicate_keys(item, (*loc, index)))
    return problems
