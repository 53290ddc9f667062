"""Turn pydantic validation errors into diagnostics with file, line, YAML path and a hint."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from stable_harness.workspace.diagnostics import Diagnostic, Path, did_you_mean, format_path
from stable_harness.workspace.yaml_source import SourceDocument

_CODES = {"missing": "missing-field", "extra_forbidden": "unknown-field"}


def _code(error_type: str) -> str:
    if error_type in _CODES:
        return _CODES[error_type]
    if error_type.endswith(("_type", "_parsing")):
        return "wrong-type"
    return "invalid-value"


def _unwrap(annotation: Any) -> Any:
    """The model class inside ``X | None``, ``list[X]``, ``dict[str, X]``, if any."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, dict):
        for arg in reversed(typing.get_args(annotation)):
            inner = _unwrap(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return annotation


def fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """YAML keys accepted by the (sub)model at ``loc``; empty if it cannot be told."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not (isinstance(current, type)
                                          and issubclass(current, BaseModel)):
            continue
        by_alias = {(f.alias or n): f for n, f in current.model_fields.items()}
        field = by_alias.get(part)
        if field is None:
            return []
        current = _unwrap(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def to_diagnostics(
    exc: ValidationError,
    model: type[BaseModel],
    source: SourceDocument | None,
    subject: str | None,
    prefix: Path = (),
    code: str | None = None,
) -> list[Diagnostic]:
    """One diagnostic per pydantic error, located at ``prefix + loc`` in ``source``."""
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        path = (*prefix, *loc)
        kind = err["type"]
        hint = ""
        if kind == "missing":
            message = "required field is missing"
        elif kind == "extra_forbidden":
            message = f"unknown field '{loc[-1]}'"
            hint = did_you_mean(str(loc[-1]), fields_at(model, loc[:-1]))
        else:
            message = str(err["msg"]).removeprefix("Value error, ")
            if kind != "value_error":
                message += f" (got {_short(err.get('input'))})"
        out.append(Diagnostic(
            code or _code(kind), message,
            source.file if source else None,
            source.line_of(path) if source else None,
            subject, format_path(path), hint,
        ))
    return out
