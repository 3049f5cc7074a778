"""The admin side (no token), for a fake in another process: ``GET /_fake/health``, ``/_fake/stats``,
``/_fake/calls``; ``POST /_fake/inject``, ``/_fake/fail``, ``/_fake/limits`` (``{"enforce": true,
"private_per_second": 1, "jitter_ms": 200, "seed": 7}``: any of them), ``/_fake/reset``."""

from __future__ import annotations

from aiohttp import web


class AdminMixin:
    """aiohttp handlers for the ``/_fake/*`` routes."""

    # -- HTTP: admin side ------------------------------------------------------------------------
    async def _admin_health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "port": self.port})

    async def _admin_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats())

    async def _admin_calls(self, request: web.Request) -> web.Response:
        q = request.query
        since = float(q.get("since", 0) or 0)
        limit = int(q.get("limit", 0) or 0)
        chat = q.get("chat_id")
        calls = [
            c
            for c in self.calls(q.get("method") or None, chat if chat else None)
            if c.time >= since and c.status is not None
        ]
        if limit:
            calls = calls[-limit:]
        if q.get("compact"):
            rows = [
                [c.time, c.method, c.params.get("chat_id"), c.status, c.params.get("text")]
                for c in calls
            ]
            return web.json_response(rows)
        return web.json_response([c.to_json() for c in calls])

    async def _admin_inject(self, request: web.Request) -> web.Response:
        body = await request.json()
        kind = body.get("kind")
        if kind is None:
            update = body.get("update", body)
            return web.json_response({"ok": True, "update_id": self.inject(update)})
        helpers = {
            "send_text": self.send_text,
            "channel_post": self.channel_post,
            "callback_query": self.callback_query,
            "inline_query": self.inline_query,
            "my_chat_member": self.my_chat_member,
            "migrate": self.migrate,
        }
        if kind not in helpers:
            return web.json_response(
                {"ok": False, "description": f"unknown kind {kind}"}, status=400
            )
        uid = helpers[kind](*body.get("args", []), **body.get("kwargs", {}))
        return web.json_response({"ok": True, "update_id": uid})

    async def _admin_fail(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.pop("clear", False):
            self.unfail()
            return web.json_response({"ok": True})
        try:
            rule = self.fail(body.pop("kind", None), **body)
        except (TypeError, ValueError) as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)
        return web.json_response({"ok": True, "id": rule.id})

    async def _admin_limits(self, request: web.Request) -> web.Response:
        body = await request.json()
        try:
            info = self.set_limits(body.pop("enforce", None), **body)
        except (TypeError, ValueError) as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)
        return web.json_response({"ok": True, **info})

    async def _admin_reset(self, request: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"ok": True})
