"""Pydantic models of every workspace kind. Field descriptions feed ``docs/workspace.md``.
The memory models live in :mod:`stable_harness.workspace.memory_kinds` (re-exported here)."""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from stable_harness.workspace.kind_base import Base, PluginRef, check_tags
from stable_harness.workspace.memory_kinds import EmbeddingsSpec, MaintenanceSpec, MemorySpec

API_VERSION = "stable-harness.dev/v1"
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
TOOL_NAME_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
IMPORT_PATH_PATTERN = r"^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$"
KNOWN_TOOL_TAGS = ("read-only", "mutating", "idempotent", "network", "filesystem")


class Metadata(Base):
    """Identity of a document."""

    name: str = Field(pattern=NAME_PATTERN, description="Unique name within its kind.")
    description: str = Field("", description="Free text for people.")
    labels: dict[str, str] = Field(default_factory=dict, description="Key/value labels.")


class RunStoreRef(PluginRef):
    """The run store (slot `run store`)."""

    use: str = Field("sqlite", description="Run store implementation; `sqlite` is built in.")


class EventSinkRef(PluginRef):
    """An event sink (slot `event sink`)."""


class PolicyRef(PluginRef):
    """A sandbox or approval policy (slot `policy`)."""

    tools: list[str] = Field(
        default_factory=list,
        description="Apply only to these tools (a per-tool validator); empty: every tool.")


class PluginsSpec(Base):
    """Which plugins load (see docs/plugins.md, "Loading")."""

    autoload: bool = Field(
        True,
        description="Load installed plugins that the workspace refers to by name. When false, "
        "only built-ins and `enable` load.",
    )
    enable: list[str] = Field(
        default_factory=list, description="Plugins to load even if nothing refers to them."
    )
    disable: list[str] = Field(
        default_factory=list,
        description="Plugins never to import, built-ins included (like pytest's `-p no:NAME`).",
    )


class ProtocolSpec(Base):
    """One protocol surface (a key of `protocols`)."""

    enabled: bool = Field(True, description="Start this surface with `stable-harness start`.")
    host: str = Field("127.0.0.1", description="Bind address; loopback by default.")
    port: int | None = Field(
        None, ge=0, le=65535, description="TCP port (surface default); 0 picks a free one.")
    bearer_token: str | None = Field(
        None, description="Token clients must send; use `${env:NAME}` rather than a literal."
    )
    config: dict[str, Any] = Field(
        default_factory=dict, description="Surface-specific configuration."
    )
    expose_agents: list[str] | None = Field(
        None, description="Agents this surface serves (default: all); for surfaces whose "
                          "config has `exposeAgents`, the same as setting it there.")
    env: dict[str, str] = Field(
        default_factory=dict,
        description="Variables `start` sets for the process (shell variables win).")
    env_file: str | None = Field(
        None, description="A `.env` file (relative to the workspace) `start` reads for the "
                          "process (shell variables win).")


class RetrySpec(Base):
    """Retry policy: which failures are transient and how long to wait between attempts."""

    max_attempts: int = Field(1, ge=1, le=100, description="Attempts in total; 1 = no retry.")
    initial_delay_seconds: float = Field(0.5, ge=0, description="Delay before the 2nd attempt.")
    max_delay_seconds: float = Field(30.0, ge=0, description="Upper bound of one delay.")
    multiplier: float = Field(2.0, ge=1, description="Delay growth per attempt.")
    jitter: float = Field(
        0.5, ge=0, le=1,
        description="Fraction of each delay drawn at random (0 = fixed, 1 = full jitter).",
    )
    retry_on: list[str] = Field(
        default_factory=lambda: ["TimeoutError", "ConnectionError", "TransientError"],
        description="Exception class names (bare or `module.Class`, subclasses match) that are "
        "transient. Anything else fails the run at once.",
    )


class RunsSpec(Base):
    """How runs execute: time limits, retries, busy sessions, leases."""

    timeout_seconds: float | None = Field(
        None, gt=0, description="Default time limit of one activation of a run (none: no limit)."
    )
    retry: RetrySpec = Field(default_factory=RetrySpec, description="Default retry policy.")
    busy_session: Literal["reject", "enqueue", "interrupt", "rollback"] = Field(
        "reject", description="What a new request on a session with a run in flight does.",
    )
    lease_seconds: float = Field(
        30.0, ge=1, le=3600,
        description="A run's owner renews its lease at a third of this; an expired lease lets "
        "another process recover the run.",
    )
    refusal_budget: int = Field(
        10, ge=1, description="Tool calls the gateway may refuse in one run before the run "
                              "ends `blocked`.")
    unknown_arguments: Literal["auto", "drop", "refuse"] = Field(
        "auto", description="Arguments a tool does not declare (after misspelled keys are "
        "renamed): `auto` drops one only where every argument declared at that level is set "
        "(it cannot stand for one the call lacks) and refuses the call otherwise; `drop` "
        "always drops (with a note); `refuse` never drops.")
    blank_required_is_missing: bool = Field(
        True, description="An empty or whitespace-only string for a required argument is "
                          "treated as missing, and the call is refused.")
    sync_tool_threads: int = Field(
        1024, ge=1, le=100_000,
        description="Synchronous tool calls running at once (each in a thread of its own, "
                    "created on demand); further calls wait for a free slot.")
    cancel_poll_seconds: float = Field(
        0.05, gt=0, le=10,
        description="How often a process checks the store for cancels requested elsewhere.",
    )


class RuntimeSpec(Base):
    """Runtime-wide settings (at most one `Runtime` per workspace)."""

    plugins: PluginsSpec = Field(default_factory=PluginsSpec, description="Plugin loading.")
    store: RunStoreRef = Field(default_factory=RunStoreRef, description="The run store.")
    event_sinks: list[EventSinkRef] = Field(
        default_factory=list,
        description="Event sinks: projections of the event stream (the store stays the source "
        "of truth); e.g. `console`, `jsonl`.",
    )
    policies: list[PolicyRef] = Field(
        default_factory=list, description="Sandbox and approval policies (deny wins)."
    )
    protocols: dict[str, ProtocolSpec] = Field(
        default_factory=dict, description="Protocol surfaces by name."
    )
    runs: RunsSpec = Field(default_factory=RunsSpec, description="Run execution settings.")
    default_agent: str | None = Field(
        None, description="Agent of requests that name none (needed with several agents).")
    secrets: list[str] = Field(
        default_factory=list,
        description="Environment variables whose values are secrets: redacted from events, "
                    "outputs, the ledger, exports and errors (as are `${secret:NAME}` values).")
    maintenance: MaintenanceSpec = Field(default_factory=MaintenanceSpec, description=(
        "Jobs `start` runs on a schedule (memory expiry and deduplication)."))
    env_file: str | None = Field(
        ".env", description="Variables file (relative to the workspace) `start` reads before "
                            "the workspace is interpolated; shell variables win. The default "
                            "`.env` may be absent; `null` reads none.")


class Edge(Base):
    """A directed edge between two graph endpoints."""

    source: str = Field(alias="from", description="`START` or a reference such as `tools.NAME`.")
    target: str = Field(alias="to", description="`END` or a reference such as `agents.NAME`.")


class McpServerUse(Base):
    """An agent's use of an `McpServer`: the server, and optionally which of its tools."""

    server: str = Field(description="Name of the `McpServer`.")
    tools: list[str] | None = Field(
        None, description="Its tools the agent may call, by the server's names (default: "
                          "all that the server's own filter keeps).")

    @model_validator(mode="before")
    @classmethod
    def _name_alone(cls, value: Any) -> Any:
        return {"server": value} if isinstance(value, str) else value


class AgentSpec(Base):
    """An agent: a backend, a model, and the inventory it may use."""

    backend: str = Field(description="Backend adapter name (`plugins list` shows them).")
    model: str | None = Field(None, description="Name of a `Model`.")
    system_prompt: str = Field("", description="System prompt passed to the backend.")
    tools: list[str] = Field(default_factory=list, description="Names of `Tool`s it may call.")
    skills: list[str] = Field(default_factory=list, description="Names of `Skill`s.")
    mcp_servers: list[McpServerUse] = Field(
        default_factory=list, description="`McpServer`s whose tools it may call: a name, or "
                                          "`{server, tools}` to pick some of its tools.")
    memory: str | None = Field(None, description="Name of a `Memory` policy.")
    subagents: list[str] = Field(
        default_factory=list, description="Names of other `Agent`s it may delegate to."
    )
    entrypoint: str | None = Field(
        None, pattern=IMPORT_PATH_PATTERN,
        description="`module:function` for backends that call user code (e.g. `python`).",
    )
    graph: str | None = Field(
        None, pattern=IMPORT_PATH_PATTERN,
        description="`module:attr` of a user graph, for graph-capable backends.",
    )
    edges: list[Edge] = Field(
        default_factory=list, description="Graph overlay connecting existing inventory."
    )
    options: dict[str, Any] = Field(
        default_factory=dict, description="Backend options, validated by the backend."
    )
    timeout_seconds: float | None = Field(
        None, gt=0, description="Time limit of one activation; overrides `Runtime` `runs`."
    )
    retry: RetrySpec | None = Field(None, description="Retry policy; overrides `Runtime` `runs`.")

    # Fields a backend must declare in `agent_fields` before an agent may set them.
    GATED_FIELDS: ClassVar[tuple[str, ...]] = ("entrypoint", "graph", "edges", "subagents")


class ModelSpec(Base):
    """A chat model."""

    provider: str = Field(description="Model provider name (`scripted` is built in).")
    model: str | None = Field(None, description="Upstream model identifier, if any.")
    config: dict[str, Any] = Field(
        default_factory=dict, description="Provider configuration, validated by the provider."
    )


class ToolSpec(Base):
    """A tool an agent may call; every call passes the tool gateway."""

    registry: str = Field("python", description="Tool registry name; `python` is built in.")
    entrypoint: str | None = Field(
        None, pattern=IMPORT_PATH_PATTERN, description="`module:function` implementing it."
    )
    description: str = Field("", description="What the tool does, shown to the model.")
    parameters: dict[str, Any] | None = Field(
        None, description="JSON Schema of the arguments; derived from type hints when absent."
    )
    tags: list[str] = Field(
        default_factory=list,
        description="Tags for policies: " + ", ".join(f"`{t}`" for t in KNOWN_TOOL_TAGS)
        + ", or your own.",
    )
    timeout_seconds: float | None = Field(None, gt=0, description="Per-call timeout.")
    config: dict[str, Any] = Field(
        default_factory=dict, description="Registry configuration, validated by the registry."
    )

    @field_validator("parameters")
    @classmethod
    def _object_schema(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None and value.get("type") != "object":
            raise ValueError("must be a JSON Schema with `type: object`")
        return value

    _tags = field_validator("tags")(classmethod(lambda cls, v: check_tags(v)))


class McpServerSpec(Base):
    """An MCP server whose tools agents may use (needs `stable-harness-mcp`)."""

    transport: Literal["stdio", "streamable-http", "sse"] = Field(description="How to connect.")
    command: str | None = Field(None, description="Executable, for `stdio`.")
    args: list[str] = Field(default_factory=list, description="Arguments, for `stdio`.")
    env: dict[str, str] = Field(default_factory=dict, description=(
        "Environment, for `stdio` (added to a minimal safe one); `${secret:NAME}` is "
        "resolved only when the server is started."))
    cwd: str | None = Field(None, description="Working folder, for `stdio` (relative to the "
                                              "workspace; default: the workspace).")
    url: str | None = Field(None, description="Endpoint, for `streamable-http` and `sse`.")
    headers: dict[str, str] = Field(default_factory=dict, description=(
        "HTTP headers; `${secret:NAME}` is resolved only when the connection is made."))
    include: list[str] | None = Field(None, description="Only these of its tools (by the "
                                                        "server's names).")
    exclude: list[str] = Field(default_factory=list, description="Leave these tools out.")
    prefix: str = Field("", pattern=r"^[A-Za-z0-9_.-]*$", description=(
        "Put before each tool's name (e.g. `time_`), to keep names distinct; a name used by "
        "two servers, or by a server and a workspace tool, is an error naming both."))
    timeout_seconds: float | None = Field(None, gt=0, le=86_400, description=(
        "Longest call to one of its tools; the call is then cancelled on the server."))
    connect_timeout_seconds: float = Field(30.0, gt=0, le=600, description=(
        "Longest wait for the server to start and list its tools."))
    tags: list[str] = Field(default_factory=list, description=(
        "Tags of all its tools. Tools also get tags from their annotations (`readOnlyHint` → "
        "`read-only`, `destructiveHint` → `mutating`, `idempotentHint` → `idempotent`, "
        "`openWorldHint` → `network`), unless these tags already say how the tools behave "
        "(any of those four): explicit YAML wins."))

    _tags = field_validator("tags")(classmethod(lambda cls, v: check_tags(v)))

    @model_validator(mode="after")
    def _transport_fields(self) -> McpServerSpec:
        if self.transport == "stdio" and not self.command:
            raise ValueError("transport `stdio` needs `command`")
        if self.transport != "stdio" and not self.url:
            raise ValueError(f"transport `{self.transport}` needs `url`")
        return self


class SkillSpec(Base):
    """A skill: a folder holding `SKILL.md` (and any resources it uses)."""

    path: str = Field(description="Folder relative to the workspace, containing `SKILL.md`.")
    description: str = Field("", description="What the skill is for.")


class WorkflowNode(Base):
    """A node of an explicit workflow graph."""

    id: str = Field(pattern=NAME_PATTERN, description="Node id, unique in the workflow.")
    ref: str = Field(description="Inventory reference: `agents.NAME`, `tools.NAME`, …")


class WorkflowSpec(Base):
    """An explicit graph of inventory nodes: listed, drawn and planned as inventory; run
    (`workflow: {id}` in a request) only by a graph-capable backend that compiles it."""

    description: str = Field("", description="What the workflow does.")
    entry: str = Field(description="Id of the first node.")
    nodes: list[WorkflowNode] = Field(min_length=1, description="Nodes.")
    edges: list[Edge] = Field(default_factory=list, description="Edges between node ids.")
    backend: str | None = Field(
        None, description="Backend that dispatches it (one that opts in, e.g. `langgraph`); "
                          "default: the only loaded backend that does.")
    system_prompt: str = Field("", description="System prompt of its model nodes.")


class Envelope(Base):
    """Fields every document has."""

    api_version: Literal["stable-harness.dev/v1"] = Field(description="Always " + API_VERSION)
    metadata: Metadata


class RuntimeDoc(Envelope):
    kind: Literal["Runtime"]
    spec: RuntimeSpec = Field(default_factory=RuntimeSpec)


class AgentDoc(Envelope):
    kind: Literal["Agent"]
    spec: AgentSpec


class ModelDoc(Envelope):
    kind: Literal["Model"]
    spec: ModelSpec


class EmbeddingsDoc(Envelope):
    kind: Literal["Embeddings"]
    spec: EmbeddingsSpec


class ToolDoc(Envelope):
    kind: Literal["Tool"]
    spec: ToolSpec = Field(default_factory=ToolSpec)

    @field_validator("metadata")
    @classmethod
    def _tool_name(cls, value: Metadata) -> Metadata:
        if not re.fullmatch(TOOL_NAME_PATTERN, value.name):
            raise ValueError("tool names are letters, digits, '_' and '-' (models require it)")
        return value


class McpServerDoc(Envelope):
    kind: Literal["McpServer"]
    spec: McpServerSpec


class SkillDoc(Envelope):
    kind: Literal["Skill"]
    spec: SkillSpec


class MemoryDoc(Envelope):
    kind: Literal["Memory"]
    spec: MemorySpec


class WorkflowDoc(Envelope):
    kind: Literal["Workflow"]
    spec: WorkflowSpec


KINDS: dict[str, type[Envelope]] = {
    "Runtime": RuntimeDoc,
    "Agent": AgentDoc,
    "Model": ModelDoc,
    "Embeddings": EmbeddingsDoc,
    "Tool": ToolDoc,
    "McpServer": McpServerDoc,
    "Skill": SkillDoc,
    "Memory": MemoryDoc,
    "Workflow": WorkflowDoc,
}
# How references name a kind's collection (`tools.echo_tool`) and the reverse.
COLLECTIONS: dict[str, str] = {
    "agents": "Agent", "models": "Model", "tools": "Tool", "mcpServers": "McpServer",
    "skills": "Skill", "memories": "Memory", "workflows": "Workflow",
    "embeddings": "Embeddings",
}

