"""A small Discord-protocol fake: REST routes and a gateway websocket, on 127.0.0.1, for end-to-end tests.

The real discord.py client (HTTP client, gateway websocket, state, command tree) talks to it unmodified.
It records what the bot sends and lets a test inject INTERACTION_CREATE and MESSAGE_CREATE events.
Only what the newsdesk bot uses is implemented; anything else answers 404 and is recorded.

The guild has two text channels (#general and #ask) and the threads the bot opens. As Discord does, the
fake leaves a message's content empty unless the bot identified with the Message Content intent (and the
application allows it) or the message mentions the bot or is a DM; asking for the intent when the
application does not allow it closes the gateway with 4014.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.fake.token-for-tests"
API_VERSION = 10
EPHEMERAL = 64
# Discord's interaction callback types.
PONG, CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT = (
    1,
    4,
    5,
    6,
    7,
    8,
)
OPTION_TYPES = {str: 3, int: 4, bool: 5, float: 10}
MESSAGE_CONTENT_INTENT = 1 << 15
GATEWAY_MESSAGE_CONTENT_LIMITED = 1 << 19  # the application flag the Developer Portal's toggle sets
SUBCOMMAND, SUBCOMMAND_GROUP, CHANNEL_OPTION = 1, 2, 7
ATTACHMENT_OPTION = 11
TEXT_CHANNEL, PUBLIC_THREAD = 0, 11
MANAGE_GUILD = 0x20


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py only decodes JSON when Content-Type is exactly application/json (no charset).
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def _error(status: int, message: str, code: int = 0) -> web.Response:
    return _json({"message": message, "code": code}, status=status)


def _timestamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime())


@dataclass
class Request:
    """One REST request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    at: float = field(default_factory=time.perf_counter)


@dataclass(frozen=True)
class Upload:
    """A file a user attached to a slash command: give it as the option's value (see ``upload``)."""

    id: int
    filename: str
    data: bytes
    content_type: str


@dataclass
class Sent:
    """A message the bot sent or edited: a callback, a follow-up, an edit or a channel message."""

    kind: str  # "callback", "followup", "edit_original", "edit_followup", "delete_original", "channel"
    payload: dict[str, Any]
    token: str | None = None  # the interaction token, for interaction replies
    interaction_id: int | None = None
    channel_id: int | None = None
    message_id: int | None = None
    at: float = field(default_factory=time.perf_counter)

    @property
    def embeds(self) -> list[dict[str, Any]]:
        data = self.payload.get("data", self.payload) if self.kind == "callback" else self.payload
        return list(data.get("embeds") or [])

    @property
    def content(self) -> str:
        data = self.payload.get("data", self.payload) if self.kind == "callback" else self.payload
        return str(data.get("content") or "")

    @property
    def flags(self) -> int:
        data = self.payload.get("data", self.payload) if self.kind == "callback" else self.payload
        return int(data.get("flags") or 0)

    def text(self) -> str:
        """Content, embed titles, descriptions, field names/values and footers, joined: for assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title", ""), embed.get("description", "")]
            for item in embed.get("fields", []):
                parts += [item["name"], item["value"]]
            parts.append((embed.get("footer") or {}).get("text", ""))
        return "\n".join(p for p in parts if p)


class DiscordFake:
    """An aiohttp server that speaks enough of Discord's REST API and gateway for the bot."""

    def __init__(
        self, *, token: str = TOKEN, heartbeat_interval_ms: int = 41_250, message_content: bool = False
    ) -> None:
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.message_content = message_content  # the Developer Portal's Message Content toggle
        self._ids = itertools.count(1_100_000_000_000_000_000)
        self.app_id = self.bot_id = 1_000_000_000_000_000_001
        self.owner_id = 1_000_000_000_000_000_002
        self.guild_id = 1_000_000_000_000_000_003
        self.channel_id = 1_000_000_000_000_000_004
        self.user_id = 1_000_000_000_000_000_005  # the default user who types commands
        self.bot_role_id = 1_000_000_000_000_000_006  # the bot's managed integration role
        self.ask_channel_id = 1_000_000_000_000_000_007  # a second text channel, #ask
        self.threads: dict[int, dict[str, Any]] = {}  # id -> thread payload, for threads the bot opened
        self.interaction_channels: dict[str, int] = {}  # interaction token -> channel it came from
        self.bot_user = self.user(self.bot_id, "newsdesk", bot=True)
        self.requests: list[Request] = []
        self.sent: list[Sent] = []
        self.unknown: list[Request] = []
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.identify: dict[str, Any] | None = None
        self.heartbeats: list[float] = []
        self.heartbeat_acks: list[float] = []
        self.uploads: dict[int, Upload] = {}  # attachments, served at /attachments/<id>/<filename>
        self.close_codes: list[int | None] = []  # how each gateway connection ended (1000: the bot closed it)
        self.messages: dict[int, dict[str, Any]] = {}  # id -> message payload, for later edits
        self.originals: dict[str, int] = {}  # interaction token -> @original message id
        self._sockets: list[web.WebSocketResponse] = []
        self._seq = 0
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v{API_VERSION}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/gateway", self._gateway)
        app.router.add_route("GET", "/attachments/{id}/{filename}", self._attachment)
        app.router.add_route("*", "/api/v{version}/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> DiscordFake:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- waiting ---------------------------------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked on every request or gateway message)."""
        async with asyncio.timeout(timeout):
            while True:
                changed = self._changed
                result = predicate()
                if result:
                    return result
                await changed.wait()

    def sent_for(self, token: str, kind: str | None = None) -> list[Sent]:
        """What the bot sent in reply to one interaction."""
        return [s for s in self.sent if s.token == token and (kind is None or s.kind == kind)]

    def replies_to(self, message_id: int) -> list[Sent]:
        """Channel messages the bot sent as replies to ``message_id``."""
        return [
            s
            for s in self.sent
            if s.kind == "channel"
            and int((s.payload.get("message_reference") or {}).get("message_id", 0)) == message_id
        ]

    # -- payloads --------------------------------------------------------------------------------

    def next_id(self) -> int:
        return next(self._ids)

    @staticmethod
    def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
        return {
            "id": str(user_id),
            "username": name,
            "global_name": name,
            "discriminator": "0",
            "avatar": None,
            "bot": bot,
            "flags": 0,
            "public_flags": 0,
        }

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(self.app_id),
            "name": "newsdesk",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.user(self.owner_id, "owner"),
            "team": None,
            "verify_key": "0" * 64,
            "flags": GATEWAY_MESSAGE_CONTENT_LIMITED if self.message_content else 0,
            "summary": "",
            "interactions_endpoint_url": None,
        }

    def _channel(self, channel_id: int | None = None) -> dict[str, Any]:
        channel_id = channel_id or self.channel_id
        if channel_id in self.threads:
            return self.threads[channel_id]
        return {
            "id": str(channel_id),
            "type": TEXT_CHANNEL,
            "guild_id": str(self.guild_id),
            "name": "ask" if channel_id == self.ask_channel_id else "general",
            "position": 0 if channel_id == self.channel_id else 1,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

    def _guild(self) -> dict[str, Any]:
        everyone = {
            "id": str(self.guild_id),
            "name": "@everyone",
            "permissions": "2248473465835073",
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        bot_role = {
            **everyone,
            "id": str(self.bot_role_id),
            "name": "newsdesk",
            "position": 1,
            "managed": True,
            "tags": {"bot_id": str(self.bot_id)},
        }
        return {
            "id": str(self.guild_id),
            "name": "Fake Newsroom",
            "icon": None,
            "owner_id": str(self.owner_id),
            "unavailable": False,
            "member_count": 3,
            "large": False,
            "joined_at": _timestamp(),
            "features": [],
            "roles": [everyone, bot_role],
            "emojis": [],
            "stickers": [],
            "channels": [self._channel(), self._channel(self.ask_channel_id)],
            "threads": list(self.threads.values()),
            "members": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "nsfw_level": 0,
            "preferred_locale": "en-US",
            "system_channel_flags": 0,
        }

    def _message(
        self,
        payload: dict[str, Any],
        *,
        channel_id: int,
        message_id: int | None = None,
        webhook: bool = False,
        guild: bool = True,
    ) -> dict[str, Any]:
        message = {
            "id": str(message_id or self.next_id()),
            "channel_id": str(channel_id),
            "author": self.bot_user,
            "content": payload.get("content") or "",
            "timestamp": _timestamp(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": payload.get("embeds") or [],
            "components": payload.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": payload.get("flags") or 0,
        }
        if guild:
            message["guild_id"] = str(self.guild_id)
        if webhook:
            message["webhook_id"] = str(self.app_id)
            message["application_id"] = str(self.app_id)
        self.messages[int(message["id"])] = message
        return message

    # -- REST ------------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        tail = request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
            elif request.content_type.startswith("multipart/"):
                form = await request.post()
                raw = form.get("payload_json")
                body = json.loads(str(raw)) if raw is not None else {}
        record = Request(request.method, tail, dict(request.query), body)
        self.requests.append(record)
        try:
            return await self._route(request, tail.split("/"), body, record)
        finally:
            self._notify()

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {self.token}"

    async def _route(
        self, request: web.Request, parts: list[str], body: Any, record: Request
    ) -> web.StreamResponse:
        method = request.method
        # Interaction callbacks and webhooks authenticate with the interaction token, not the bot token.
        if parts[0] == "interactions" and len(parts) == 4 and parts[3] == "callback" and method == "POST":
            return self._callback(int(parts[1]), parts[2], body)
        if parts[0] == "webhooks" and len(parts) >= 3:
            return self._webhook(method, parts, body, request)
        if not self._authorised(request):
            return _error(401, "401: Unauthorized")
        if parts == ["users", "@me"] and method == "GET":
            return _json(self.bot_user)
        if parts == ["oauth2", "applications", "@me"] and method == "GET":
            return _json(self._application())
        if parts == ["gateway", "bot"] and method == "GET":
            limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
            return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})
        if parts == ["gateway"] and method == "GET":
            return _json({"url": self.gateway_url})
        if parts[0] == "applications" and parts[-1] == "commands" and method == "PUT":
            guild_id = int(parts[3]) if len(parts) == 5 and parts[2] == "guilds" else None
            return self._put_commands(body or [], guild_id)
        if parts[0] == "applications" and parts[-1] == "commands" and method == "GET":
            guild_id = int(parts[3]) if len(parts) == 5 else None
            return _json(self.global_commands if guild_id is None else self.guild_commands.get(guild_id, []))
        if parts[0] == "channels" and len(parts) == 3 and parts[2] == "typing" and method == "POST":
            return web.Response(status=204)
        if parts[0] == "channels" and len(parts) == 3 and parts[2] == "messages" and method == "POST":
            channel_id = int(parts[1])
            message = self._message(body or {}, channel_id=channel_id, guild=self.in_guild(channel_id))
            self.sent.append(
                Sent("channel", body or {}, channel_id=channel_id, message_id=int(message["id"]))
            )
            return _json(message)
        if parts[0] == "channels" and len(parts) == 5 and parts[2:5:2] == ["messages", "threads"]:
            # A thread from a message: it takes the message's id, as on Discord.
            message_id = int(parts[3])
            if method != "POST" or message_id not in self.messages:
                return _error(404, "404: Unknown Message", 10008)
            return await self._open_thread(int(parts[1]), body or {}, message_id)
        if parts[0] == "channels" and len(parts) == 3 and parts[2] == "threads" and method == "POST":
            return await self._open_thread(int(parts[1]), body or {}, None)
        if parts[0] == "users" and parts[1:] == ["@me", "channels"] and method == "POST":
            return _json({"id": str(self.next_id()), "type": 1, "recipients": [], "last_message_id": None})
        self.unknown.append(record)
        return _error(404, f"404: the fake does not implement {method} /{'/'.join(parts)}", 10000)

    def in_guild(self, channel_id: int) -> bool:
        """Whether a channel is one of the guild's text channels or threads."""
        return channel_id in (self.channel_id, self.ask_channel_id) or channel_id in self.threads

    def threads_in(self, parent_id: int) -> list[dict[str, Any]]:
        """The threads the bot opened in a channel, oldest first."""
        return [t for t in self.threads.values() if int(t["parent_id"]) == parent_id]

    def channel_messages(self, channel_id: int) -> list[Sent]:
        """Messages the bot sent into a channel or thread (not interaction replies)."""
        return [s for s in self.sent if s.kind == "channel" and s.channel_id == channel_id]

    async def _open_thread(
        self, parent_id: int, body: dict[str, Any], message_id: int | None
    ) -> web.Response:
        if not self.in_guild(parent_id) or parent_id in self.threads:
            return _error(400, "400: cannot open a thread here", 50024)
        thread_id = message_id or self.next_id()
        thread = {
            "id": str(thread_id),
            "type": body.get("type", PUBLIC_THREAD),
            "guild_id": str(self.guild_id),
            "parent_id": str(parent_id),
            "name": body["name"],
            "owner_id": str(self.bot_id),
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body.get("auto_archive_duration", 1440),
                "archive_timestamp": _timestamp(),
                "locked": False,
            },
        }
        if len(thread["name"]) > 100 or not thread["name"]:
            return _error(400, "400: Invalid Form Body (name: 1-100 characters)", 50035)
        self.threads[thread_id] = thread
        self.sent.append(Sent("thread", body, channel_id=parent_id, message_id=thread_id))
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return _json(thread)

    def _callback(self, interaction_id: int, token: str, body: Any) -> web.Response:
        payload = body or {}
        self.sent.append(Sent("callback", payload, token=token, interaction_id=interaction_id))
        response: dict[str, Any] = {
            "interaction": {
                "id": str(interaction_id),
                "type": 2,
                "response_message_loading": payload.get("type") == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool((payload.get("data") or {}).get("flags", 0) & EPHEMERAL),
            }
        }
        if payload.get("type") in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            channel_id = self.interaction_channels.get(token, self.channel_id)
            original = self._message(payload.get("data") or {}, channel_id=channel_id, webhook=True)
            self.originals[token] = int(original["id"])
            response["interaction"]["response_message_id"] = original["id"]
        return _json(response)

    def _webhook(self, method: str, parts: list[str], body: Any, request: web.Request) -> web.Response:
        token = parts[2]
        payload = body or {}
        if len(parts) == 3 and method == "POST":  # a follow-up
            channel_id = self.interaction_channels.get(token, self.channel_id)
            message = self._message(payload, channel_id=channel_id, webhook=True)
            self.sent.append(Sent("followup", payload, token=token, message_id=int(message["id"])))
            if request.query.get("wait") in ("true", "1", "True"):
                return _json(message)
            return web.Response(status=204)
        if len(parts) == 5 and parts[3] == "messages":
            which = parts[4]
            message_id = self.originals.get(token) if which == "@original" else int(which)
            kind = "original" if which == "@original" else "followup"
            if message_id is None or message_id not in self.messages:
                return _error(404, "404: Unknown Message", 10008)
            if method == "GET":
                return _json(self.messages[message_id])
            if method == "PATCH":
                self.sent.append(Sent(f"edit_{kind}", payload, token=token, message_id=message_id))
                message = self._message(
                    {**self.messages[message_id], **payload},
                    channel_id=int(self.messages[message_id]["channel_id"]),
                    message_id=message_id,
                    webhook=True,
                )
                return _json(message)
            if method == "DELETE":
                self.sent.append(Sent(f"delete_{kind}", {}, token=token, message_id=message_id))
                self.messages.pop(message_id, None)
                return web.Response(status=204)
        return _error(404, f"404: the fake does not implement {method} webhook route", 10000)

    def _put_commands(self, commands: list[dict[str, Any]], guild_id: int | None) -> web.Response:
        stored = []
        for command in commands:
            item = {
                **command,
                "id": str(self.next_id()),
                "application_id": str(self.app_id),
                "version": str(self.next_id()),
                "type": command.get("type", 1),
            }
            if guild_id is not None:
                item["guild_id"] = str(guild_id)
            stored.append(item)
        if guild_id is None:
            self.global_commands = stored
        else:
            self.guild_commands[guild_id] = stored
        return _json(stored)

    # -- gateway ---------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        try:
            await self._send(ws, {"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                await self._on_gateway_message(ws, json.loads(msg.data))
                self._notify()
        finally:
            self._sockets.remove(ws)
            self.close_codes.append(ws.close_code)
            self._notify()
        return ws

    async def _send(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        # Text frames: discord.py asks for zlib-stream but only inflates binary frames.
        await ws.send_str(json.dumps(data))

    async def _on_gateway_message(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        op = data.get("op")
        if op == 1:  # HEARTBEAT
            self.heartbeats.append(time.perf_counter())
            await self._send(ws, {"op": 11})
            self.heartbeat_acks.append(time.perf_counter())
        elif op == 2:  # IDENTIFY
            if data["d"].get("intents", 0) & MESSAGE_CONTENT_INTENT and not self.message_content:
                await ws.close(code=4014, message=b"Disallowed intent(s).")
                return
            self.identify = data["d"]
            ready = {
                "v": API_VERSION,
                "user": self.bot_user,
                "guilds": [{"id": str(self.guild_id), "unavailable": True}],
                "session_id": "fake-session",
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(self.app_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
            }
            if "shard" in data["d"]:
                ready["shard"] = data["d"]["shard"]
            await self.dispatch("READY", ready, ws=ws)
            await self.dispatch("GUILD_CREATE", self._guild(), ws=ws)
        elif op == 6:  # RESUME: not supported; make the client identify again
            await self._send(ws, {"op": 9, "d": False})

    async def dispatch(
        self, event: str, data: dict[str, Any], *, ws: web.WebSocketResponse | None = None
    ) -> None:
        """Send a DISPATCH event to the connected client (the newest socket unless given)."""
        target = ws or (self._sockets[-1] if self._sockets else None)
        if target is None:
            raise RuntimeError("no gateway connection")
        self._seq += 1
        await self._send(target, {"op": 0, "t": event, "s": self._seq, "d": data})

    @property
    def connected(self) -> bool:
        return bool(self._sockets) and self.identify is not None

    # -- injected events -------------------------------------------------------------------------

    def _member(self, user_id: int, name: str, permissions: str = "2248473465835073") -> dict[str, Any]:
        return {
            "user": self.user(user_id, name),
            "roles": [],
            "joined_at": _timestamp(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": permissions,
        }

    def _command(self, name: str) -> dict[str, Any]:
        for command in [*self.global_commands, *itertools.chain(*self.guild_commands.values())]:
            if command["name"] == name:
                return command
        raise KeyError(f"/{name} was never synced to the fake")

    def _interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user_id: int | None,
        dm: bool,
        guild_id: int | None = None,
        permissions: str | None = None,
        channel_id: int | None = None,
    ) -> dict[str, Any]:
        user_id = user_id or self.user_id
        payload: dict[str, Any] = {
            "id": str(self.next_id()),
            "application_id": str(self.app_id),
            "type": kind,
            "data": data,
            "token": f"itoken-{self.next_id()}",
            "version": 1,
            "locale": "en-US",
            "app_permissions": "2248473465835073",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild_id)},
            "attachment_size_limit": 8 * 1024 * 1024,
        }
        if dm:
            payload["channel_id"] = str(self.next_id())
            payload["channel"] = {"id": payload["channel_id"], "type": 1, "recipients": []}
            payload["user"] = self.user(user_id, f"user{user_id % 1000}")
            payload["context"] = 1
        else:
            payload["guild_id"] = str(guild_id or self.guild_id)
            payload["guild_locale"] = "en-US"
            payload["channel_id"] = str(channel_id or self.channel_id)
            payload["channel"] = {**self._channel(channel_id), "guild_id": payload["guild_id"]}
            payload["member"] = self._member(
                user_id, f"user{user_id % 1000}", *([permissions] if permissions is not None else [])
            )
            payload["context"] = 0
        self.interaction_channels[payload["token"]] = int(payload["channel_id"])
        return payload

    def _options(
        self, command: dict[str, Any], options: dict[str, Any], focused: str | None, resolved: dict
    ) -> list[dict]:
        declared = {o["name"]: o for o in command.get("options", [])}
        result = []
        for name, value in options.items():
            if name not in declared:
                raise KeyError(f"/{command['name']} has no option {name!r}")
            kind = declared[name]["type"]
            if kind == CHANNEL_OPTION:  # a channel id; Discord sends the channel itself as resolved data
                channel = self._channel(int(value))
                keys = ("id", "type", "name", "guild_id", "parent_id", "thread_metadata")
                resolved.setdefault("channels", {})[str(value)] = {
                    **{k: channel[k] for k in keys if k in channel},
                    "permissions": "2248473465835073",
                }
                value = str(value)
            if kind == ATTACHMENT_OPTION:  # an attachment id; Discord sends the attachment as resolved data
                upload: Upload = value
                url = f"http://127.0.0.1:{self.port}/attachments/{upload.id}/{upload.filename}"
                resolved.setdefault("attachments", {})[str(upload.id)] = {
                    "id": str(upload.id),
                    "filename": upload.filename,
                    "size": len(upload.data),
                    "url": url,
                    "proxy_url": url,
                    "content_type": upload.content_type,
                    "ephemeral": True,
                }
                value = str(upload.id)
            option = {"name": name, "type": kind, "value": value}
            if name == focused:
                option["focused"] = True
            result.append(option)
        return result

    def upload(self, filename: str, data: bytes, content_type: str = "text/plain") -> Upload:
        """A file to attach to a command: ``await fake.command("article add", file=fake.upload(...))``."""
        upload = Upload(self.next_id(), filename, data, content_type)
        self.uploads[upload.id] = upload
        return upload

    async def _attachment(self, request: web.Request) -> web.Response:
        """The CDN: an attachment's bytes (what ``discord.Attachment.read`` fetches)."""
        upload = self.uploads.get(int(request.match_info["id"]))
        self.requests.append(Request("GET", request.path, dict(request.query), None))
        self._notify()
        if upload is None or upload.filename != request.match_info["filename"]:
            return web.Response(status=404)
        return web.Response(body=upload.data, content_type=upload.content_type)

    def _command_data(self, name: str, options: dict[str, Any], focused: str | None) -> dict[str, Any]:
        """``name`` may be "group sub" or "group subgroup sub" for a subcommand of a command group."""
        top, *path = name.split(" ")
        command = self._command(top)
        resolved: dict[str, Any] = {}
        declared = command
        for part in path:
            declared = next(
                o
                for o in declared.get("options", [])
                if o["name"] == part and o["type"] in (SUBCOMMAND, SUBCOMMAND_GROUP)
            )
        nested = self._options(declared, options, focused, resolved)
        for depth in range(len(path), 0, -1):
            kind = SUBCOMMAND if depth == len(path) else SUBCOMMAND_GROUP
            nested = [{"type": kind, "name": path[depth - 1], "options": nested}]
        data: dict[str, Any] = {"id": command["id"], "name": top, "type": 1, "options": nested}
        if resolved:
            data["resolved"] = resolved
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return data

    async def command(
        self,
        name: str,
        *,
        user_id: int | None = None,
        dm: bool = False,
        guild_id: int | None = None,
        permissions: str | None = None,
        channel_id: int | None = None,
        **options: Any,
    ) -> dict[str, Any]:
        """Inject a slash command (options typed from what the bot synced); returns the interaction.

        ``guild_id`` sends it from another server than the fake's own; ``permissions`` sets the member's;
        ``channel_id`` the channel or thread it is typed in (default #general).
        """
        data = self._command_data(name, options, None)
        interaction = self._interaction(
            2, data, user_id=user_id, dm=dm, guild_id=guild_id, permissions=permissions, channel_id=channel_id
        )
        await self.dispatch("INTERACTION_CREATE", interaction)
        return interaction

    async def autocomplete(
        self,
        name: str,
        focused: str,
        *,
        user_id: int | None = None,
        guild_id: int | None = None,
        **options: Any,
    ) -> dict:
        """Inject an autocomplete request for option ``focused``; returns the interaction."""
        data = self._command_data(name, options, focused)
        interaction = self._interaction(4, data, user_id=user_id, dm=False, guild_id=guild_id)
        await self.dispatch("INTERACTION_CREATE", interaction)
        return interaction

    async def click(self, message_id: int, custom_id: str, *, user_id: int | None = None) -> dict[str, Any]:
        """Inject a button click on a message the bot sent; returns the interaction."""
        data = {"custom_id": custom_id, "component_type": 2}
        channel_id = int(self.messages[message_id]["channel_id"])
        interaction = self._interaction(
            3, data, user_id=user_id, dm=False, channel_id=channel_id if self.in_guild(channel_id) else None
        )
        interaction["message"] = self.messages[message_id]
        await self.dispatch("INTERACTION_CREATE", interaction)
        return interaction

    async def message(
        self,
        content: str,
        *,
        mention_bot: bool = True,
        dm: bool = False,
        user_id: int | None = None,
        mention_everyone: bool = False,
        role_mentions: Sequence[int] = (),
        channel_id: int | None = None,
    ) -> dict[str, Any]:
        """Inject MESSAGE_CREATE from a user: in a guild channel or thread (by default #general,
        mentioning the bot) or as a DM. The content arrives empty when Discord would withhold it."""
        user_id = user_id or self.user_id
        author = self.user(user_id, f"user{user_id % 1000}")
        mentions = [{**self.bot_user, "member": self._member(self.bot_id, "newsdesk")}] if mention_bot else []
        intents = (self.identify or {}).get("intents", 0)
        readable = dm or mention_bot or bool(role_mentions) or bool(intents & MESSAGE_CONTENT_INTENT)
        payload: dict[str, Any] = {
            "id": str(self.next_id()),
            "channel_id": str(self.next_id() if dm else channel_id or self.channel_id),
            "author": author,
            "content": content if readable else "",
            "timestamp": _timestamp(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": mention_everyone,
            "mentions": mentions if not dm else [],
            "mention_roles": [str(r) for r in role_mentions],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
            "components": [],
        }
        if not dm:
            payload["guild_id"] = str(self.guild_id)
            payload["member"] = {
                k: v for k, v in self._member(user_id, author["username"]).items() if k != "user"
            }
        self.messages[int(payload["id"])] = payload  # the bot may open a thread on it
        await self.dispatch("MESSAGE_CREATE", payload)
        return payload
