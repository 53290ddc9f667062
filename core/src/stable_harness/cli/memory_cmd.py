"""``stable-harness memory …``: the operator's view of the workspace's memory stores.

These commands act on a ``Memory`` document's store directly, as an operator (no run, so no
write rules), but a value is still redacted of secrets before it is stored. Namespaces are
written with ``/`` between labels (``users/u-1``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stable_harness.cli.output import console, counted, print_json
from stable_harness.cli.runtime_call import parse_json_option, with_runtime

if TYPE_CHECKING:
    from stable_harness.memory.contract import MemoryItem, MemoryStore
    from stable_harness.runtime import Runtime

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
MemoryOpt = Annotated[str | None, typer.Option(
    "--memory", "-m", help="Which `Memory` document (default: the only one).")]
NamespaceArg = Annotated[str, typer.Argument(help="Namespace, labels joined by `/`.")]
NamespaceOpt = Annotated[str, typer.Option("--namespace", "-n",
                                           help="Namespace prefix, labels joined by `/`.")]


def _namespace(text: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    from stable_harness.errors import InvalidRequestError
    from stable_harness.memory.exchange import parse_namespace

    try:
        return parse_namespace(text, allow_empty=allow_empty)
    except ValueError as exc:
        raise InvalidRequestError(str(exc), field="namespace") from None


def _item(item: MemoryItem) -> dict[str, Any]:
    from stable_harness.memory.exchange import item_to_dict

    return item_to_dict(item)


async def _store(rt: Runtime, memory: str | None) -> tuple[str, MemoryStore]:
    from stable_harness.errors import InvalidRequestError

    names = sorted(rt.workspace.of_kind("Memory"))
    if memory is None:
        if len(names) != 1:
            raise InvalidRequestError(
                "the workspace has " + (f"several Memory documents ({', '.join(names)}); "
                                        "name one with --memory" if names else
                                        "no Memory document"), field="memory")
        memory = names[0]
    return memory, await rt.memories.store(memory)


def list_namespaces(ctx: typer.Context, memory: MemoryOpt = None, namespace: NamespaceOpt = "",
                    as_json: JsonOpt = False) -> None:
    """Namespaces holding items (at or below --namespace)."""
    async def body(rt: Runtime) -> list[str]:
        _, store = await _store(rt, memory)
        found = await store.list_namespaces(_namespace(namespace, allow_empty=True),
                                            limit=100_000)
        return ["/".join(n) for n in found]

    rows = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    if as_json:
        print_json(rows)
        return
    console().print(counted(len(rows), "namespace"), markup=False)
    for row in rows:
        console().print(row, markup=False, highlight=False)


def search(ctx: typer.Context, memory: MemoryOpt = None, namespace: NamespaceOpt = "",
           filter: Annotated[str | None, typer.Option(
               "--filter", help="A JSON object of value filters (LangGraph's semantics: "
                                "`$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`).")] = None,
           limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 20,
           as_json: JsonOpt = False) -> None:
    """Items at or below --namespace, newest first."""
    wanted = parse_json_option(filter, "--filter", as_json=as_json)

    async def body(rt: Runtime) -> list[dict[str, Any]]:
        _, store = await _store(rt, memory)
        try:
            items = await store.search(_namespace(namespace, allow_empty=True), filter=wanted,
                                       limit=limit)
        except ValueError as exc:
            from stable_harness.errors import InvalidRequestError

            raise InvalidRequestError(str(exc), field="filter") from None
        return [_item(i) for i in items]

    _show(with_runtime(ctx.obj.workspace, body, as_json=as_json), as_json)


def get(ctx: typer.Context, namespace: NamespaceArg, key: str, memory: MemoryOpt = None,
        as_json: JsonOpt = False) -> None:
    """One item (exit 1 when there is none)."""
    async def body(rt: Runtime) -> dict[str, Any] | None:
        _, store = await _store(rt, memory)
        item = await store.get(_namespace(namespace), key)
        return None if item is None else _item(item)

    found = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    if found is None:
        from stable_harness.cli.output import fail

        fail(f"no item {namespace}/{key}", as_json=as_json)
    _show([found], as_json, one=True)


def put(ctx: typer.Context, namespace: NamespaceArg, key: str,
        value: Annotated[str, typer.Argument(help="The value: a JSON object.")],
        memory: MemoryOpt = None,
        ttl: Annotated[float | None, typer.Option(
            "--ttl", min=0.001, help="Seconds until it expires (default: the policy's).")
        ] = None, as_json: JsonOpt = False) -> None:
    """Store an item (secrets in the value are redacted first)."""
    data = parse_json_option(value, "VALUE", as_json=as_json)
    if not isinstance(data, dict):
        from stable_harness.cli.output import fail

        fail("VALUE: a memory value must be a JSON object", as_json=as_json)

    async def body(rt: Runtime) -> dict[str, Any]:
        name, store = await _store(rt, memory)
        try:
            await rt.memories.put(name, _namespace(namespace), key, data, ttl)
        except ValueError as exc:
            from stable_harness.errors import InvalidRequestError

            raise InvalidRequestError(str(exc), field="value") from None
        item = await store.get(_namespace(namespace), key)
        assert item is not None
        return _item(item)

    _show([with_runtime(ctx.obj.workspace, body, as_json=as_json)], as_json, one=True)


def delete(ctx: typer.Context, namespace: NamespaceArg, key: str, memory: MemoryOpt = None,
           as_json: JsonOpt = False) -> None:
    """Delete an item (no error when it is absent)."""
    async def body(rt: Runtime) -> None:
        _, store = await _store(rt, memory)
        await store.delete(_namespace(namespace), key)

    with_runtime(ctx.obj.workspace, body, as_json=as_json)
    if as_json:
        print_json({"deleted": {"namespace": namespace, "key": key}})


def export(ctx: typer.Context, memory: MemoryOpt = None, namespace: NamespaceOpt = "",
           output: Annotated[Path | None, typer.Option(
               "--output", "-o", help="File to write (default: stdout).")] = None) -> None:
    """Write items (at or below --namespace) as JSON Lines, oldest first."""
    async def body(rt: Runtime) -> list[dict[str, Any]]:
        _, store = await _store(rt, memory)
        items = await store.search(_namespace(namespace, allow_empty=True), limit=10**9)
        return [_item(i) for i in reversed(items)]

    rows = with_runtime(ctx.obj.workspace, body)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        console(stderr=True).print(f"exported {counted(len(rows), 'item')} to {output}",
                                   markup=False)


def import_(ctx: typer.Context,
            source: Annotated[Path, typer.Argument(help="A JSON Lines file from `export`.")],
            memory: MemoryOpt = None, as_json: JsonOpt = False) -> None:
    """Read an export back, items and times as they were (one transaction: all or none)."""
    from stable_harness.cli.output import fail
    from stable_harness.memory.exchange import ExportLineError, read_export

    try:
        items = read_export(source.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {source}: {exc}", as_json=as_json)
    except ExportLineError as exc:  # file:line, as editors and compilers write it
        fail(f"{source}:{exc.line}: {exc.detail}", as_json=as_json)

    async def body(rt: Runtime) -> int:
        name, _ = await _store(rt, memory)
        try:
            await rt.memories.restore(name, items)
        except ValueError as exc:
            from stable_harness.errors import InvalidRequestError

            raise InvalidRequestError(str(exc), field="items") from None
        return len(items)

    count = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    if as_json:
        print_json({"imported": count})
    else:
        console().print(f"imported {counted(count, 'item')}", markup=False)


def expire(ctx: typer.Context, memory: MemoryOpt = None, as_json: JsonOpt = False) -> None:
    """Delete the items whose time to live has passed."""
    _job(ctx, memory, "expire", as_json)


def compact(ctx: typer.Context, memory: MemoryOpt = None, as_json: JsonOpt = False) -> None:
    """Delete duplicate items (same value in one namespace: the newest stays)."""
    _job(ctx, memory, "compact", as_json)


def _job(ctx: typer.Context, memory: str | None, job: str, as_json: bool) -> None:
    async def body(rt: Runtime) -> dict[str, Any]:
        from stable_harness.runtime.maintenance import run_job

        name, _ = await _store(rt, memory)
        return (await run_job(rt.memories, name, job)).to_dict()

    report = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    if as_json:
        print_json(report)
    else:
        console().print(f"{job}: removed {counted(report['removed'], 'item')} from "
                        f"{report['memory']}", markup=False)


def consolidate(
    ctx: typer.Context, memory: MemoryOpt = None,
    scope: Annotated[list[str] | None, typer.Option(
        "--scope", help="A field of the run's memory scope, NAME=VALUE (repeatable): what "
                        "the policy's namespace template is filled from.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 200,
    as_json: JsonOpt = False) -> None:
    """Run the policy's `consolidate` agent on its namespace's items (a run of its own, with
    its events; Ctrl-C cancels it). Exit status: 0 when it completes."""
    from stable_harness.cli.output import fail
    from stable_harness.memory.contract import Namespace
    from stable_harness.runtime.memory_access import render, template_fields

    fields: dict[str, str] = {}
    for pair in scope or []:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            fail(f"--scope {pair!r}: write NAME=VALUE", as_json=as_json)
        fields[name] = value

    async def body(rt: Runtime) -> dict[str, Any]:
        from stable_harness.errors import InvalidRequestError

        name, store = await _store(rt, memory)
        spec = rt.memories.spec(name)
        if spec.consolidate is None:
            raise InvalidRequestError(f"Memory/{name} names no `consolidate` agent",
                                      field="memory")
        agent = spec.consolidate
        template = template_fields(agent, "(consolidation)", fields)
        namespace: Namespace = render(spec.namespace or name, template, f"Memory/{name}")
        items = [_item(i) for i in await store.search(namespace, limit=limit)
                 if i.namespace == namespace]
        run = await rt.run({"operation": "consolidate", "memory": name,
                            "namespace": "/".join(namespace), "items": items},
                           agent=agent, memory=fields or None, until="settled")
        return {"runId": run.id, "status": run.status.value, "items": len(items),
                "output": run.output, "error": run.error}

    result = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    if as_json:
        print_json(result)
    else:
        console().print(f"consolidation run {result['runId']}: {result['status']} "
                        f"({counted(result['items'], 'item')} given)", markup=False)
    if result["status"] != "completed":
        raise typer.Exit(1)


def backup(ctx: typer.Context,
           target: Annotated[Path, typer.Argument(help="File to write (a SQLite database).")],
           memory: MemoryOpt = None, as_json: JsonOpt = False) -> None:
    """Copy the store while runs may be writing to it (a consistent snapshot)."""
    async def body(rt: Runtime) -> str:
        from stable_harness.errors import InvalidRequestError

        name, store = await _store(rt, memory)
        copy = getattr(store, "backup", None)
        if copy is None:
            raise InvalidRequestError(f"the store of Memory '{name}' cannot back up online; "
                                      "use its own tools", field="memory")
        await copy(target.resolve())
        return name

    name = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    if as_json:
        print_json({"memory": name, "backup": str(target)})
    else:
        console().print(f"backed up memory {name} to {target}", markup=False)


def _show(rows: list[dict[str, Any]], as_json: bool, *, one: bool = False) -> None:
    if as_json:
        print_json(rows[0] if one else rows)
        return
    from rich.table import Table

    table = Table(title=None if one else counted(len(rows), "item"))
    for column in ("namespace", "key", "value", "updated"):
        table.add_column(column)
    import time as _time

    for row in rows:
        table.add_row(row["namespace"], row["key"],
                      json.dumps(row["value"], ensure_ascii=False)[:200],
                      _time.strftime("%Y-%m-%d %H:%M:%S", _time.localtime(row["updatedAt"])))
    console().print(table)
