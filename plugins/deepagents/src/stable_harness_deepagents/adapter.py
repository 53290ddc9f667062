"""The ``deepagents`` backend adapter: ``create_deep_agent`` from the workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stable_harness.errors import StableHarnessError
from stable_harness_langgraph.adapter import GraphAdapter
from stable_harness_langgraph.tools import RuntimeToolsMiddleware

from stable_harness_deepagents.options import DeepAgentsOptions
from stable_harness_deepagents.projection import project


class DeepAgentsAdapter(GraphAdapter):
    """``backend: deepagents`` (see the package docstring)."""

    options: DeepAgentsOptions

    def build(self, checkpointer: Any) -> Any:
        from deepagents import create_deep_agent

        spec = self.agent.spec
        tools = self.agent.tools_of(self.agent.name)
        return create_deep_agent(
            model=self.model(), tools=self.tools_of(self.agent.name, tools),
            system_prompt=spec.system_prompt or None,
            middleware=self.middleware(tools, project),
            subagents=[self._subagent(name) for name in spec.subagents] or None,
            skills=self._skill_sources(spec.skills) or None,
            memory=[f"/memories/{path}" for path in self.options.memory_files] or None,
            backend=self._backend(), interrupt_on=dict(self.options.interrupt_on) or None,
            response_format=self.response_format(), checkpointer=checkpointer,
            store=self.store(), name=self.agent.name)

    def _subagent(self, name: str) -> dict[str, Any]:
        """A workspace agent as an upstream ``SubAgent``; its tools take the runtime path."""
        ws = self.agent.workspace
        if ws is None or name not in ws.agents:
            raise StableHarnessError(f"agent '{self.agent.name}': unknown subagent '{name}'")
        doc = ws.agents[name].doc
        spec = doc.spec
        tools = self.agent.tools_of(name, spec)
        out: dict[str, Any] = {
            "name": name,
            "description": doc.metadata.description or spec.system_prompt or name,
            "system_prompt": spec.system_prompt or f"You are the {name} subagent.",
            "tools": self.tools_of(self.agent.name, tools),
            "middleware": [RuntimeToolsMiddleware(tools, project)],
        }
        if spec.model:
            out["model"] = self.agent.model(spec.model)
        if spec.skills:
            out["skills"] = self._skill_sources(spec.skills)
        return out

    def _skill_sources(self, names: list[str]) -> list[str]:
        return [f"/skills/{name}/" for name in names]

    def _skill_folders(self) -> dict[str, Path]:
        ws = self.agent.workspace
        names = set(self.agent.spec.skills)
        if ws is not None:
            for sub in self.agent.spec.subagents:
                if sub in ws.agents:
                    names.update(ws.agents[sub].doc.spec.skills)
        skills = ws.of_kind("Skill") if ws is not None else {}
        return {name: (self.agent.root / skills[name].doc.spec.path).resolve()
                for name in sorted(names) if name in skills}

    def _backend(self) -> Any:
        """The file system: state or a folder, with skills and memory files routed to the
        workspace (read through upstream ``FilesystemBackend``)."""
        from deepagents.backends import CompositeBackend, FilesystemBackend, StateBackend

        default: Any = StateBackend()
        if self.options.files == "disk":
            root = self.agent.root / self.options.files_root
            root.mkdir(parents=True, exist_ok=True)
            default = FilesystemBackend(root_dir=root, virtual_mode=True)
        routes: dict[str, Any] = {
            # upstream skill sources are folders of skill folders: expose each skill's parent
            f"/skills/{name}/": FilesystemBackend(root_dir=folder.parent, virtual_mode=True)
            for name, folder in self._skill_folders().items()}
        if self.agent.spec.memory:
            # long-term files in the runtime's memory, under the run's namespace
            from deepagents.backends import StoreBackend
            from stable_harness_langgraph.tools import CURRENT_RUN

            def namespace(_runtime: Any) -> tuple[str, ...]:
                ctx = CURRENT_RUN.get()
                if ctx is None or ctx.memory is None:
                    raise StableHarnessError("/memories/ is reachable only inside a run")
                return (*ctx.memory.namespace, "files")

            routes["/memories/"] = StoreBackend(namespace=namespace)
        elif self.options.memory_files:
            routes["/memories/"] = FilesystemBackend(root_dir=self.agent.root,
                                                     virtual_mode=True)
        return CompositeBackend(default=default, routes=routes) if routes else default
