"""Embeddings for semantic memory search: the port, and the built-in offline embedder.

An embeddings provider (``kind: Embeddings``, ``spec.provider``) returns an object with
LangChain's ``Embeddings`` interface: ``aembed_documents(texts)`` and ``aembed_query(text)``,
lists of floats of one length. The LangChain providers (OpenAI, Ollama, any
OpenAI-compatible URL) come with ``stable-harness-langgraph``.

The built-in ``hash`` provider is deterministic and needs no model: each lower-cased word and
each pair of adjacent words is hashed (BLAKE2b) to a signed position of the vector, which is
then L2-normalised. Texts that share words are close; it knows nothing of meaning (``cat``
and ``kitten`` are unrelated). It exists for tests, demos and the scaffold, as the scripted
model does for chat.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from typing import Any, Protocol, runtime_checkable

WORD = re.compile(r"\w+", re.UNICODE)


@runtime_checkable
class Embedder(Protocol):
    """LangChain's ``Embeddings``, the async half."""

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text."""
        ...

    async def aembed_query(self, text: str) -> list[float]:
        """The vector of a search query."""
        ...


def hash_vector(text: str, dims: int) -> list[float]:
    """The ``hash`` provider's vector of ``text`` (see the module docstring)."""
    words = [w.lower() for w in WORD.findall(text)]
    features = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
    vector = [0.0] * dims
    for feature in features:
        digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
        number = int.from_bytes(digest, "little")
        vector[number % dims] += 1.0 if (number >> 63) & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vector))
    return [v / norm for v in vector] if norm else vector


class HashEmbeddings:
    """The built-in ``hash`` provider: ``factory(config, model=, dims=)``."""

    def __init__(self, config: Any = None, *, model: str | None = None, dims: int = 64
                 ) -> None:
        self.dims = int(dims)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [hash_vector(t, self.dims) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return hash_vector(text, self.dims)

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents(texts)

    async def aembed_query(self, text: str) -> list[float]:
        return self.embed_query(text)


def indexed_text(value: dict[str, Any], fields: list[str]) -> str:
    """The text of ``value`` that is embedded: the named fields (dotted paths), else the
    whole value's string leaves, in order."""
    def leaves(node: Any) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, dict):
            return [s for v in node.values() for s in leaves(v)]
        if isinstance(node, list):
            return [s for v in node for s in leaves(v)]
        return [] if node is None else [str(node)]

    if not fields:
        return "\n".join(leaves(value))
    parts: list[str] = []
    for path in fields:
        node: Any = value
        for name in path.split("."):
            node = node.get(name) if isinstance(node, dict) else None
        parts.extend(leaves(node))
    return "\n".join(parts)
