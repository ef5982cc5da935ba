"""Drives an MCP server with the stock Python MCP SDK (`mcp` on PyPI), a client Klody did not write.

Usage: mcp_drive.py [SPEC | -]   (SPEC is a JSON document; `-` or nothing reads it from stdin)

    {
      "stdio": {"command": "node", "args": ["server.js"], "env": {"KEY": "value"}, "cwd": "/repo"},
      "url": "http://127.0.0.1:8000/mcp", "headers": {"Authorization": "Bearer ..."},
      "calls": [{"name": "echo", "arguments": {"text": "hello"}}],
      "timeoutSeconds": 60,
      "logLevel": "WARNING"
    }

Exactly one of `stdio` and `url`. The script connects, initializes, lists the tools, makes each call in
order and prints ONE JSON document on stdout:

    {"ok": true, "error": null,
     "server": {"name", "version", "protocolVersion"},
     "tools": [{"name", "description", "inputSchema"}],
     "calls": [{"name", "arguments", "result": {"content", "structuredContent", "isError"} | null,
                "error": {"type", "message"} | null}]}

A call the server answers with a protocol error (an unknown tool) has `error` and a null `result`; a
tool that fails has `result.isError` true. `logLevel` (DEBUG, INFO, WARNING, ERROR) is where Python's
logging starts writing to stderr: at INFO, httpx2 logs each HTTP request with its status, which the
SDK otherwise reduces to "Server returned an error response". Exit codes: 0 connected (whatever the calls gave), 1 the
connection or the handshake failed (`ok` false, `error` says why), 2 the spec is not valid.

Only the SDK's public client API is used: `mcp.ClientSession`, `mcp.client.stdio.stdio_client` with
`mcp.StdioServerParameters`, and `mcp.client.streamable_http.streamable_http_client`, given an
`httpx2.AsyncClient` for the headers as its documentation says. The server's stderr passes through
to this script's stderr.
"""

from __future__ import annotations

import json
import logging
import sys
from contextlib import AsyncExitStack
from typing import Any

import anyio
import httpx2
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

USAGE = "usage: mcp_drive.py [SPEC_JSON | -]  (see the docstring for the spec)"


class SpecError(Exception):
    """The spec is not what this script reads (exit 2)."""


def is_string_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(item, str) for item in value.values())


def read_spec(argv: list[str]) -> dict[str, Any]:
    if len(argv) > 2:
        raise SpecError(USAGE)
    text = sys.stdin.read() if len(argv) < 2 or argv[1] == "-" else argv[1]
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as error:
        raise SpecError(f"the spec is not JSON: {error}") from error
    if not isinstance(spec, dict):
        raise SpecError("the spec must be a JSON object")
    if ("stdio" in spec) == ("url" in spec):
        raise SpecError('the spec needs exactly one of "stdio" and "url"')
    if "stdio" in spec:
        stdio = spec["stdio"]
        if not isinstance(stdio, dict) or not isinstance(stdio.get("command"), str):
            raise SpecError('"stdio" needs a "command" string')
        args = stdio.get("args", [])
        if not isinstance(args, list) or not all(isinstance(arg, str) for arg in args):
            raise SpecError('"stdio.args" must be a list of strings')
        if not is_string_map(stdio.get("env") or {}):
            raise SpecError('"stdio.env" must map names to strings')
    else:
        if not isinstance(spec["url"], str):
            raise SpecError('"url" must be a string')
        if not is_string_map(spec.get("headers") or {}):
            raise SpecError('"headers" must map names to strings')
    calls = spec.get("calls", [])
    if not isinstance(calls, list) or not all(
        isinstance(call, dict)
        and isinstance(call.get("name"), str)
        and isinstance(call.get("arguments", {}), dict)
        for call in calls
    ):
        raise SpecError('"calls" must be a list of {"name": string, "arguments": object}')
    timeout = spec.get("timeoutSeconds", 60)
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        raise SpecError('"timeoutSeconds" must be a positive number')
    if spec.get("logLevel", "WARNING") not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SpecError('"logLevel" must be DEBUG, INFO, WARNING or ERROR')
    return spec


def describe_error(error: BaseException) -> dict[str, str]:
    """The innermost meaningful error: anyio wraps a transport's failure in exception groups."""
    while isinstance(error, BaseExceptionGroup) and len(error.exceptions) > 0:
        error = error.exceptions[0]
    message = str(error) or repr(error)
    return {"type": type(error).__name__, "message": message}


def dump(model: Any) -> Any:
    """A pydantic model of the SDK as the JSON the server sent (camelCase names, no absent fields)."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


async def drive(spec: dict[str, Any], report: dict[str, Any]) -> None:
    async with AsyncExitStack() as stack:
        if "stdio" in spec:
            stdio = spec["stdio"]
            parameters = StdioServerParameters(
                command=stdio["command"],
                args=list(stdio.get("args", [])),
                env=stdio.get("env"),
                cwd=stdio.get("cwd"),
            )
            read_stream, write_stream = await stack.enter_async_context(stdio_client(parameters))
        else:
            # The SDK's own defaults (30 s to connect and write, 300 s to read); the headers go on the
            # client, the way streamable_http_client's documentation asks.
            http_client = await stack.enter_async_context(
                httpx2.AsyncClient(headers=spec.get("headers") or {}, timeout=httpx2.Timeout(30, read=300))
            )
            read_stream, write_stream = await stack.enter_async_context(
                streamable_http_client(spec["url"], http_client=http_client)
            )
        session = await stack.enter_async_context(ClientSession(read_stream, write_stream))
        initialized = await session.initialize()
        report["server"] = {
            "name": initialized.server_info.name,
            "version": initialized.server_info.version,
            "protocolVersion": initialized.protocol_version,
        }
        listed = await session.list_tools()
        report["tools"] = [
            {"name": tool.name, "description": tool.description, "inputSchema": tool.input_schema}
            for tool in listed.tools
        ]
        # Connected: from here on a failure belongs to one call, not to the connection.
        report["ok"] = True
        for call in spec.get("calls", []):
            entry: dict[str, Any] = {
                "name": call["name"],
                "arguments": call.get("arguments", {}),
                "result": None,
                "error": None,
            }
            report["calls"].append(entry)
            try:
                result = await session.call_tool(call["name"], call.get("arguments", {}))
            except Exception as error:  # a protocol error answers this call only
                entry["error"] = describe_error(error)
                continue
            entry["result"] = {
                "content": [dump(block) for block in result.content],
                "structuredContent": result.structured_content,
                "isError": bool(result.is_error),
            }


def empty_report() -> dict[str, Any]:
    return {"ok": False, "error": None, "server": None, "tools": [], "calls": []}


async def main() -> int:
    report = empty_report()
    try:
        spec = read_spec(sys.argv)
    except SpecError as error:
        print(f"mcp_drive: {error}", file=sys.stderr)
        report["error"] = {"type": "usage", "message": str(error)}
        print(json.dumps(report))
        return 2
    logging.basicConfig(level=spec.get("logLevel", "WARNING"), stream=sys.stderr)
    timeout = spec.get("timeoutSeconds", 60)
    try:
        with anyio.fail_after(timeout):
            await drive(spec, report)
    except Exception as error:  # whatever ended the session goes into the report
        failure = describe_error(error)
        if failure["type"] == "TimeoutError":
            failure["message"] = f"no answer within {timeout} s"
        report["error"] = failure
        # After a connection the answers stand (a server that died on close): the error says what
        # happened, and the exit code stays 0.
        if not report["ok"]:
            print(json.dumps(report))
            return 1
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(anyio.run(main))
