"""Flattening chat messages into the text transcript the runtime receives."""

from __future__ import annotations

from typing import Any

from stable_harness.errors import InvalidRequestError

from stable_harness_http.openai.schemas import ChatMessage


def flatten(messages: list[ChatMessage]) -> str:
    """``role: text`` blocks separated by blank lines. Text parts are kept, ``image_url``
    parts become ``[image:<url>]``; any other part type is refused with the part named."""
    blocks = []
    for i, message in enumerate(messages):
        text = content_text(message.content, f"messages[{i}].content")
        blocks.append(f"{message.role}: {text}")
    return "\n\n".join(blocks)


def content_text(content: str | list[dict[str, Any]] | None, where: str) -> str:
    """The text of one message's content."""
    if content is None or isinstance(content, str):
        return content or ""
    parts = []
    for j, part in enumerate(content):
        kind = part.get("type")
        if kind == "text" and isinstance(part.get("text"), str):
            parts.append(part["text"])
        elif kind == "image_url" and isinstance(_url(part), str):
            parts.append(f"[image:{_url(part)}]")
        else:
            raise InvalidRequestError(
                f"{where}[{j}]: content part type {kind!r} is not supported (supported: "
                "'text', 'image_url')", field=f"{where}[{j}].type")
    return "\n".join(parts)


def new_turn(messages: list[ChatMessage]) -> list[ChatMessage]:
    """Messages after the last assistant message: what a continued session has not seen."""
    for i in range(len(messages) - 1, -1, -1):
        if messages[i].role == "assistant":
            return messages[i + 1:] or messages[-1:]
    return messages


def _url(part: dict[str, Any]) -> Any:
    image = part.get("image_url")
    return image.get("url") if isinstance(image, dict) else image
