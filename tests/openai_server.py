"""A local OpenAI-compatible chat server that plays a script: the real `openai` client talks to it.

Each reply in the script is a function of the request body (so a reply can quote what a
tool returned), or a fault: an HTTP status, a delay, or a malformed body.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[dict[str, Any]], dict[str, Any]]


def tool_call(name: str, args: dict[str, Any], call_id: str = "call_1") -> Reply:
    return lambda body: {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": call_id, "type": "function",
             "function": {"name": name, "arguments": json.dumps(args)}}
        ],
    }


def say(text: str | Callable[[dict[str, Any]], str]) -> Reply:
    return lambda body: {"role": "assistant", "content": text(body) if callable(text) else text}


def last_tool_content(body: dict[str, Any]) -> str:
    tools = [m for m in body["messages"] if m["role"] == "tool"]
    return tools[-1]["content"] if tools else ""


@dataclass
class Fault:
    status: int = 200
    delay_s: float = 0.0
    raw: str | None = None  # a body that is not a valid completion


@dataclass
class ScriptedServer:
    script: list[Reply | Fault] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def start(self) -> ScriptedServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(body)
                step = server.script.pop(0) if server.script else say("(script ended)")
                if isinstance(step, Fault):
                    time.sleep(step.delay_s)
                    if step.status != 200 or step.raw is not None:
                        payload = (step.raw or json.dumps({"error": {"message": "fault"}}))
                        self._send(step.status, payload.encode(), "application/json")
                        return
                    step = say("late answer")
                message = step(body)
                if body.get("stream"):
                    self._stream(body, message)
                else:
                    self._send(200, json.dumps(_completion(body, message)).encode(),
                               "application/json")

            def _send(self, status: int, data: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict[str, Any], message: dict[str, Any]) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                for delta in _deltas(message):
                    chunk = {
                        "id": "chatcmpl-1", "object": "chat.completion.chunk",
                        "created": 0, "model": body.get("model", "m"),
                        "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                done = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0,
                        "model": body.get("model", "m"),
                        "choices": [{"index": 0, "delta": {},
                                     "finish_reason": "tool_calls" if message.get("tool_calls")
                                     else "stop"}]}
                self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _completion(body: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 0,
        "model": body.get("model", "m"),
        "choices": [{"index": 0, "message": message,
                     "finish_reason": "tool_calls" if message.get("tool_calls") else "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _deltas(message: dict[str, Any]) -> list[dict[str, Any]]:
    if message.get("tool_calls"):
        out = [{"role": "assistant", "content": None}]
        for i, call in enumerate(message["tool_calls"]):
            args = call["function"]["arguments"]
            half = len(args) // 2
            out.append({"tool_calls": [{"index": i, "id": call["id"], "type": "function",
                                        "function": {"name": call["function"]["name"],
                                                     "arguments": args[:half]}}]})
            out.append({"tool_calls": [{"index": i, "function": {"arguments": args[half:]}}]})
        return out
    text = message.get("content") or ""
    return [{"role": "assistant", "content": ""}] + [
        {"content": text[i:i + 8]} for i in range(0, len(text), 8)
    ]
