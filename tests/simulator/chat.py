"""One demo person's chat in the simulator, driven as the page drives it: send, read
what came back, tap a labelled button or quick reply."""
from __future__ import annotations

from typing import Any

from tests.simulator.test_simulator import deliver, drain, sent_to, signed


class Chat:
    """One demo person's chat, as the simulator page drives it."""

    def __init__(self, client, services, person) -> None:
        self.client, self.services, self.person, self.seen = client, services, person, 0

    def send(self, kind: str, **fields: Any) -> list[dict[str, Any]]:
        response = deliver(self.client, signed(self.client, **{"as": self.person.key, "kind": kind, **fields}))
        assert response.status_code == 200
        drain(self.services)
        return self.new_messages()

    def new_messages(self) -> list[dict[str, Any]]:
        items = sent_to(self.client, self.person.line_user_id, after=self.seen)
        if items:
            self.seen = items[-1]["seq"]
        return [message for item in items for message in item["messages"]]

    def tap(self, message: dict[str, Any], label: str) -> list[dict[str, Any]]:
        """Tap the quick reply or button labelled ``label`` on ``message``."""
        return self.send("postback", data=actions(message)[label])


def actions(message: dict[str, Any]) -> dict[str, str]:
    found = {item["action"]["label"]: item["action"].get("data", "")
             for item in message.get("quickReply", {}).get("items", [])}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            action = node.get("action")
            if isinstance(action, dict) and action.get("type") == "postback":
                found[action["label"]] = action["data"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    if message.get("type") == "flex":
        walk(message["contents"])
    return found


def texts(node: Any) -> str:
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "text" else []
        return "\n".join(own + [texts(value) for value in node.values() if isinstance(value, (dict, list))])
    if isinstance(node, list):
        return "\n".join(texts(value) for value in node)
    return ""


def bubble_actions(bubble: dict[str, Any]) -> dict[str, str]:
    return actions({"type": "flex", "contents": bubble})
