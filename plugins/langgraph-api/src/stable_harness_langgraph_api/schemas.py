"""Request bodies of the LangGraph API. Fields the SDKs send that we do not use are accepted
and ignored (a newer SDK must keep working); the ones we use are typed, so a wrong type is a
400 naming it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Json = dict[str, Any]
StreamModeName = Literal["values", "updates", "messages-tuple", "messages", "events", "custom",
                         "debug", "tasks", "checkpoints"]
Strategy = Literal["reject", "enqueue", "interrupt", "rollback"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class AssistantIn(_Body):
    graph_id: str = Field(min_length=1, max_length=128)
    assistant_id: str | None = Field(None, min_length=1, max_length=128)
    config: Json | None = None
    context: Json | None = None
    metadata: Json | None = None
    name: str | None = Field(None, max_length=512)
    description: str | None = Field(None, max_length=8192)
    if_exists: Literal["raise", "do_nothing"] = "raise"


class AssistantPatch(_Body):
    graph_id: str | None = Field(None, min_length=1, max_length=128)
    config: Json | None = None
    context: Json | None = None
    metadata: Json | None = None
    name: str | None = Field(None, max_length=512)
    description: str | None = Field(None, max_length=8192)


class AssistantSearch(_Body):
    metadata: Json | None = None
    graph_id: str | None = None
    name: str | None = None
    limit: int = Field(10, ge=1, le=1000)
    offset: int = Field(0, ge=0)


class VersionsIn(_Body):
    metadata: Json | None = None
    limit: int = Field(10, ge=1, le=1000)
    offset: int = Field(0, ge=0)


class LatestIn(_Body):
    version: int = Field(ge=1)


class ThreadIn(_Body):
    thread_id: str | None = Field(None, min_length=1, max_length=128)
    metadata: Json | None = None
    if_exists: Literal["raise", "do_nothing"] = "raise"
    graph_id: str | None = None


class ThreadPatch(_Body):
    metadata: Json | None = None


class ThreadSearch(_Body):
    metadata: Json | None = None
    values: Json | None = None
    ids: list[str] | None = None
    status: Literal["idle", "busy", "interrupted", "error"] | None = None
    limit: int = Field(10, ge=1, le=1000)
    offset: int = Field(0, ge=0)
    sort_by: Literal["thread_id", "status", "created_at", "updated_at"] | None = None
    sort_order: Literal["asc", "desc"] | None = None


class StateIn(_Body):
    values: Any = None
    as_node: str | None = None
    checkpoint_id: str | None = None
    checkpoint: Json | None = None


class CheckpointIn(_Body):
    checkpoint: Json
    subgraphs: bool = False


class HistoryIn(_Body):
    limit: int = Field(10, ge=1, le=1000)
    before: str | Json | None = None
    metadata: Json | None = None
    checkpoint: Json | None = None


class CommandIn(_Body):
    resume: Any = None
    goto: str | list[str] | None = None
    update: Json | list[Any] | None = None


class RunConfig(_Body):
    configurable: Json | None = None
    tags: list[str] | None = None
    recursion_limit: int | None = Field(None, ge=1, le=100_000)


class RunIn(_Body):
    assistant_id: str = Field(min_length=1, max_length=128)
    input: Any = None
    command: CommandIn | None = None
    stream_mode: StreamModeName | list[StreamModeName] | None = None
    stream_subgraphs: bool = False
    stream_resumable: bool = False
    config: RunConfig | None = None
    context: Json | None = None
    metadata: Json | None = None
    multitask_strategy: Strategy | None = None
    if_not_exists: Literal["create", "reject"] | None = None
    on_completion: Literal["delete", "keep"] | None = None
    on_disconnect: Literal["cancel", "continue"] | None = None
    webhook: str | None = Field(None, max_length=2048)
    after_seconds: float | None = Field(None, ge=0)
    checkpoint_id: str | None = Field(None, max_length=128)
    checkpoint: Json | None = None
    interrupt_before: Literal["*"] | list[str] | None = None
    interrupt_after: Literal["*"] | list[str] | None = None


class StoreItemIn(_Body):
    namespace: list[str] = Field(min_length=1, max_length=32)
    key: str = Field(min_length=1, max_length=1024)
    value: Json
    index: Any = None
    ttl: float | None = Field(None, gt=0)


class StoreDeleteIn(_Body):
    namespace: list[str] = Field(default_factory=list, max_length=32)
    key: str = Field(min_length=1, max_length=1024)


class StoreSearchIn(_Body):
    namespace_prefix: list[str] = Field(default_factory=list, max_length=32)
    filter: Json | None = None
    limit: int = Field(10, ge=1, le=1000)
    offset: int = Field(0, ge=0)
    query: str | None = Field(None, max_length=65536)
    refresh_ttl: bool | None = None


class NamespacesIn(_Body):
    prefix: list[str] | None = Field(None, max_length=32)
    suffix: list[str] | None = Field(None, max_length=32)
    max_depth: int | None = Field(None, ge=1, le=32)
    limit: int = Field(100, ge=1, le=10_000)
    offset: int = Field(0, ge=0)


class _CronRun(_Body):
    input: Any = None
    config: RunConfig | None = None
    context: Json | None = None
    metadata: Json | None = None
    interrupt_before: Literal["*"] | list[str] | None = None
    interrupt_after: Literal["*"] | list[str] | None = None
    webhook: str | None = Field(None, max_length=2048)
    multitask_strategy: Strategy | None = None
    stream_mode: StreamModeName | list[StreamModeName] | None = None
    stream_subgraphs: bool | None = None
    on_run_completed: Literal["delete", "keep"] | None = None
    end_time: str | None = Field(None, max_length=64)
    enabled: bool | None = None
    timezone: str | None = Field(None, max_length=64)


class CronIn(_CronRun):
    assistant_id: str = Field(min_length=1, max_length=128)
    schedule: str = Field(min_length=1, max_length=256)


class CronPatch(_CronRun):
    schedule: str | None = Field(None, min_length=1, max_length=256)


class CronSearch(_Body):
    assistant_id: str | None = None
    thread_id: str | None = None
    enabled: bool | None = None
    metadata: Json | None = None
    limit: int = Field(10, ge=1, le=1000)
    offset: int = Field(0, ge=0)
    sort_by: Literal["cron_id", "assistant_id", "thread_id", "created_at", "updated_at",
                     "next_run_date", "end_time"] | None = None
    sort_order: Literal["asc", "desc"] | None = None
