"""Memory items as operators write them: namespaces as ``a/b`` text, items as the JSON
objects ``export`` writes one per line and ``import`` reads (the CLI and HTTP share these)."""

from __future__ import annotations

from typing import Any

from stable_harness.memory.contract import MemoryItem, Namespace


def parse_namespace(text: str, *, allow_empty: bool = False) -> Namespace:
    """``"users/u-1"`` → ``("users", "u-1")``; ``ValueError`` for an empty label (or an
    empty namespace unless ``allow_empty``)."""
    labels = tuple(text.split("/")) if text else ()
    if (not labels and not allow_empty) or any(not label for label in labels):
        raise ValueError(f"namespace {text!r}: labels joined by `/`, none empty")
    return labels


def item_to_dict(item: MemoryItem) -> dict[str, Any]:
    """The exported form of ``item``."""
    return {"namespace": "/".join(item.namespace), "key": item.key, "value": item.value,
            "createdAt": item.created_at, "updatedAt": item.updated_at,
            "expiresAt": item.expires_at}


def item_from_dict(row: Any) -> MemoryItem:
    """An exported item read back; ``ValueError`` saying what is wrong with it."""
    try:
        value = row["value"]
        if not isinstance(value, dict):
            raise TypeError("value is not an object")
        return MemoryItem(parse_namespace(str(row["namespace"])), str(row["key"]), value,
                          float(row["createdAt"]), float(row["updatedAt"]),
                          None if row.get("expiresAt") is None else float(row["expiresAt"]))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not an exported item ({type(exc).__name__}: {exc})") from None


class ExportLineError(ValueError):
    """Line ``line`` of an export is not an item: ``detail`` says why."""

    def __init__(self, line: int, detail: str) -> None:
        self.line, self.detail = line, detail
        super().__init__(f"line {line}: {detail}")


def read_export(lines: list[str]) -> list[MemoryItem]:
    """The items of an export's lines (blank lines skipped); :class:`ExportLineError` for
    the first bad line, so an import stores all of it or nothing."""
    import json

    items = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            items.append(item_from_dict(json.loads(line)))
        except ValueError as exc:  # json.JSONDecodeError is one too
            raise ExportLineError(number, str(exc)) from None
    return items
