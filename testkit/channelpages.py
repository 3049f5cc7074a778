"""A public Telegram channel as its web preview serves it, for tests and benchmarks.

``FakeChannel`` holds posts and renders ``/s/NAME`` the way t.me does (see
../shared/reference/telegram-channels.md and tests/data/channels/preview.html): the latest
``per_page`` posts oldest first, a "more" link to ``?before=ID``, each post a
``tgme_widget_message`` with ``data-post``, a text block, a date and "edited" in its meta line once
edited. Views counters change at every request, as on the real page.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiohttp import web

BASE_TIME = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@dataclass
class FakePost:
    id: int
    html: str | None  # None: media only
    edited: bool = False
    forwarded_from: str = ""


@dataclass
class FakeChannel:
    name: str
    title: str = "Test channel"
    per_page: int = 20
    posts: dict[int, FakePost] = field(default_factory=dict)
    owner: str = ""  # whose posts the page shows ("" = name): a renamed channel shows its new name
    _views: itertools.count = field(default_factory=itertools.count)

    def post(self, post_id: int, html: str | None, **kw: object) -> None:
        self.posts[post_id] = FakePost(post_id, html, **kw)  # type: ignore[arg-type]

    def edit(self, post_id: int, html: str) -> None:
        self.posts[post_id].html, self.posts[post_id].edited = html, True

    def delete(self, post_id: int) -> None:
        del self.posts[post_id]

    def page(self, before: int | None = None) -> bytes:
        ids = sorted(i for i in self.posts if before is None or i < before)[-self.per_page :]
        owner = self.owner or self.name
        blocks = [self._block(owner, self.posts[i]) for i in ids]
        more = (
            f'<div class="tme_messages_more js-messages_more" data-before="{ids[0]}"></div>'
            if ids
            else ""
        )
        return (
            '<!DOCTYPE html><html><head><meta charset="utf-8">'
            f'<meta property="og:title" content="{self.title}"></head>'
            '<body class="widget_frame_base tgme_webpreview_body"><main class="tgme_main">'
            '<section class="tgme_channel_history js-message_history">'
            f"{more}{''.join(blocks)}</section></main></body></html>"
        ).encode()

    def _block(self, owner: str, post: FakePost) -> str:
        when = (BASE_TIME + timedelta(minutes=post.id)).isoformat()
        text = (
            f'<div class="tgme_widget_message_text js-message_text" dir="auto">{post.html}</div>'
            if post.html is not None
            else '<a class="tgme_widget_message_photo_wrap" href="#"></a>'
        )
        forwarded = (
            '<div class="tgme_widget_message_forwarded_from">Forwarded from '
            f'<a class="tgme_widget_message_forwarded_from_name">{post.forwarded_from}</a></div>'
            if post.forwarded_from
            else ""
        )
        edited = "edited " if post.edited else ""
        return (
            '<div class="tgme_widget_message_wrap js-widget_message_wrap">'
            f'<div class="tgme_widget_message js-widget_message" data-post="{owner}/{post.id}">'
            f'<div class="tgme_widget_message_bubble">{forwarded}{text}'
            f'<span class="tgme_widget_message_views">{next(self._views)}</span>'
            f'<span class="tgme_widget_message_meta">{edited}<a class="tgme_widget_message_date" '
            f'href="https://t.me/{owner}/{post.id}"><time datetime="{when}">{when[11:16]}</time>'
            "</a></span></div></div></div>"
        )

    async def handler(self, request: web.Request) -> web.Response:
        before = request.query.get("before", "")
        body = self.page(int(before) if before.isdigit() else None)
        return web.Response(body=body, content_type="text/html", charset="utf-8")
