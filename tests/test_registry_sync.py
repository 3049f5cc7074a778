"""Live registry sync against a local HTTP server standing in for the registry's source: what a
changed, unchanged, older, truncated, malformed or hostile source does to the registry and to
subscribers. Redis is real; the fetcher is the shipped one."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.ops.runtime import announce_changes
from bot.ops.settings import Settings
from bot.telegram.admin_notices import notify_admins
from bot.telegram.held_deaths import confirm_death
from feeds.fetching.fetch_result import FetchPolicy
from feeds.fetching.fetcher import Fetcher
from feeds.registry.held import HeldDeaths
from feeds.registry.models import PrisonerStatus
from feeds.registry.store import RegistryStore
from feeds.registry.sync import RegistrySync
from feeds.storage.connection import Storage
from feeds.watching.alerts import Alert
from feeds.watching.keys import WatchKeys
from feeds.watching.timeline import Timeline
from feeds.watching.watcher import Watcher
from feeds.watching.watcher_config import WatcherConfig
from testkit.feedserver import FeedServer
from testkit.harness import ADMIN, running_bot
from testkit.sending import queued
from testkit.waiting import wait_for

HEADER = "id,kind,name_be,name_ru,name_en,status\n"
ROWS = {
    "marfa-rabkova": "Марфа Рабкова,Марфа Рабкова,Marfa Rabkova",
    "ihar-losik": "Ігар Лосік,Игорь Лосик,Ihar Losik",
    "maryja-kalesnikava": "Марыя Калеснікава,Мария Колесникова,Maria Kalesnikava",
}
MORE = {f"person-{i}": f"Асоба {i},Персона {i},Person {i}" for i in range(12)}
VIASNA_SAMPLE = Path(__file__).parent / "data" / "viasna-sample-en.json"
ALLOW_LOOPBACK = FetchPolicy(private_allowlist=("127.0.0.0/8",), trust_env=False)


def csv(statuses: dict[str, str], extra: dict[str, str] = MORE) -> str:
    rows = {**ROWS, **extra}
    return HEADER + "".join(
        f"{pid},prisoner,{rows[pid]},{statuses.get(pid, 'in_custody')}\n" for pid in rows
    )


class Harness:
    def __init__(self, storage: Storage, fetcher: Fetcher, url: str) -> None:
        self.storage = storage
        self.notices: list[str] = []
        settings = Settings(_env_file=None)

        async def announce(report, origin: str) -> list:
            return await announce_changes(storage, settings, report, origin)

        async def notice(text: str) -> None:
            self.notices.append(text)

        self.sync = RegistrySync(
            storage, fetcher, [url], poll=3600, announce=announce, on_notice=notice
        )

    async def status(self, pid: str) -> PrisonerStatus:
        target = await RegistryStore(self.storage).get(pid)
        return target.status  # type: ignore[union-attr]

    async def registry_alerts(self) -> list[str]:
        entries = await self.storage.redis.xrange(WatchKeys.of(self.storage.keys).alerts)
        return [f[b"kind"].decode() for _, f in entries if f.get(b"kind") == b"registry"]


@pytest.fixture
async def source(storage: Storage):
    async with FeedServer() as server, Fetcher(ALLOW_LOOPBACK) as fetcher:
        url = server.url("/registry.csv")
        server.add("/registry.csv", csv({}), content_type="text/csv", etag='"v1"')
        harness = Harness(storage, fetcher, url)
        assert (await harness.sync.sync(url)).status == "applied"  # the first copy: all added
        yield server, harness, url


async def test_a_newer_copy_flips_a_status_once_and_alerts_once(source) -> None:
    server, h, url = source
    assert await h.registry_alerts() == []  # new people are added silently
    server.add("/registry.csv", csv({"marfa-rabkova": "released"}), etag='"v2"')
    outcome = await h.sync.sync(url, force=True)
    assert (outcome.status, outcome.alerts) == ("applied", 1)
    assert await h.status("marfa-rabkova") == PrisonerStatus.RELEASED
    assert len(await h.registry_alerts()) == 1
    # the same copy again: a conditional GET answered 304, nothing parsed, nobody told
    again = await h.sync.sync(url, force=True)
    assert again.status == "not_modified"
    assert server.requests["/registry.csv"][-1].get("If-None-Match") == '"v2"'
    assert len(await h.registry_alerts()) == 1


async def test_an_older_copy_changes_nothing_and_alerts_nobody(source) -> None:
    server, h, url = source
    server.add("/registry.csv", csv({"marfa-rabkova": "released"}), etag='"v2"')
    await h.sync.sync(url, force=True)
    server.add("/registry.csv", csv({}), etag='"v1"')  # an old export: she is in custody again
    outcome = await h.sync.sync(url, force=True)
    assert outcome.status == "applied" and outcome.alerts == 0
    assert await h.status("marfa-rabkova") == PrisonerStatus.RELEASED
    assert len(await h.registry_alerts()) == 1


async def test_a_death_waits_for_an_admin(source) -> None:
    server, h, url = source
    server.add("/registry.csv", csv({"ihar-losik": "died"}), etag='"v2"')
    outcome = await h.sync.sync(url, force=True)
    assert outcome.status == "applied" and outcome.alerts == 0
    assert await h.status("ihar-losik") == PrisonerStatus.IN_CUSTODY
    assert "ihar-losik" in h.notices[-1] and "Not applied" in h.notices[-1]
    held = await HeldDeaths(h.storage).all()
    assert list(held) == ["ihar-losik"] and held["ihar-losik"].source.endswith("registry.csv")
    # the next copy still says so: still held, and the admins are not told again
    server.add("/registry.csv", csv({"ihar-losik": "died"}) + "\n", etag='"v3"')
    assert (await h.sync.sync(url, force=True)).alerts == 0
    assert len(h.notices) == 1 and await h.status("ihar-losik") == PrisonerStatus.IN_CUSTODY
    # an admin confirms it: applied once, one alert naming the source
    assert await confirm_death(h.storage, Settings(_env_file=None), "ihar-losik") == 1
    assert await h.status("ihar-losik") == PrisonerStatus.DIED
    entries = await h.storage.redis.xrange(WatchKeys.of(h.storage.keys).alerts)
    alert = Alert.model_validate_json(entries[-1][1][b"alert"])
    assert alert.change.new_status == "died" and alert.change.source.endswith("registry.csv")
    assert "confirmed by an admin" in alert.origin
    assert await HeldDeaths(h.storage).all() == {}
    assert await confirm_death(h.storage, Settings(_env_file=None), "ihar-losik") is None
    # once applied, the source saying so again is an ordinary, unchanged record
    server.add("/registry.csv", csv({"ihar-losik": "died"}), etag='"v4"')
    assert (await h.sync.sync(url, force=True)).alerts == 0
    assert await HeldDeaths(h.storage).all() == {} and len(h.notices) == 1


async def test_a_death_under_another_id_is_held_too(source) -> None:
    """The same person by profile URL under the source's own id: held, not applied by the back door."""
    server, h, url = source
    registry = RegistryStore(h.storage)
    losik = await registry.get("ihar-losik")
    await registry.put(
        losik.model_copy(update={"profile_url": "https://spring96.org/persons/losik"})
    )
    rows = {pid: cells for pid, cells in {**ROWS, **MORE}.items() if pid != "ihar-losik"}
    body = HEADER.replace("status", "status,profile_url") + "".join(
        f"{pid},prisoner,{cells},in_custody,\n" for pid, cells in rows.items()
    )
    body += "losik-ihar,prisoner,,,Ihar Losik,died,https://spring96.org/persons/losik\n"
    server.add("/registry.csv", body, etag='"v2"')
    await h.sync.sync(url, force=True)
    assert await h.status("ihar-losik") == PrisonerStatus.IN_CUSTODY
    assert list(await HeldDeaths(h.storage).all()) == ["ihar-losik"]
    assert await h.registry_alerts() == []


async def test_a_new_person_listed_as_died_is_added_silently(source) -> None:
    server, h, url = source
    extra = {**MORE, "new-person": "Новая Асоба,Новая Персона,New Person"}
    server.add("/registry.csv", csv({"new-person": "died"}, extra), etag='"v2"')
    await h.sync.sync(url, force=True)
    assert await h.status("new-person") == PrisonerStatus.DIED
    assert await HeldDeaths(h.storage).all() == {} and h.notices == []


async def test_former_in_a_viasna_export_keeps_a_confirmed_death(storage: Storage) -> None:
    """Viasna's ``former`` cannot say died: a death an admin confirmed stays, and nobody is told."""
    records = json.loads(VIASNA_SAMPLE.read_text(encoding="utf-8"))
    async with FeedServer() as server, Fetcher(ALLOW_LOOPBACK) as fetcher:
        url = server.url("/export.json")
        server.add("/export.json", json.dumps(records), content_type="application/json", etag='"a"')
        h = Harness(storage, fetcher, url)
        await h.sync.sync(url)
        registry = RegistryStore(storage)
        person = next(t for t in await registry.all() if t.kind == "prisoner" and t.viasna_id)
        await registry.put(person.model_copy(update={"status": PrisonerStatus.DIED}))
        for record in records:
            record["status"] = "former"
        server.add("/export.json", json.dumps(records), content_type="application/json", etag='"b"')
        outcome = await h.sync.sync(url, force=True)
        assert outcome.status == "applied"
        assert await h.status(person.id) == PrisonerStatus.DIED
        changed = {c.new.id for c in outcome.report.changes if c.status_changed}
        assert person.id not in changed and changed  # the others were freed, and told
        assert outcome.alerts == len(changed)


async def test_mass_release_goes_through(source) -> None:
    server, h, url = source
    released = {pid: "released" for pid in MORE}
    server.add("/registry.csv", csv(released), etag='"v2"')
    outcome = await h.sync.sync(url, force=True)
    assert (outcome.status, outcome.alerts) == ("applied", len(MORE))
    assert h.notices == []


async def test_bulk_flips_back_into_custody_apply_nothing(source) -> None:
    server, h, url = source
    released = {pid: "released" for pid in MORE}
    server.add("/registry.csv", csv(released), etag='"v2"')
    await h.sync.sync(url, force=True)
    stale = {**released, "marfa-rabkova": "released"}
    for pid in list(MORE)[:6]:
        stale[pid] = "in_custody"
    server.add("/registry.csv", csv(stale), etag='"v3"')
    outcome = await h.sync.sync(url, force=True)
    assert outcome.status == "refused" and "6 released people back into custody" in outcome.message
    assert await h.status("marfa-rabkova") == PrisonerStatus.IN_CUSTODY  # nothing applied
    assert "applied nothing" in h.notices[-1]


async def test_a_truncated_source_applies_nothing(source) -> None:
    server, h, url = source
    server.add("/registry.csv", csv({"marfa-rabkova": "released"}, extra={}), etag='"v2"')
    outcome = await h.sync.sync(url, force=True)
    assert outcome.status == "refused" and "shrank from 15 to 3 records" in outcome.message
    assert await h.status("marfa-rabkova") == PrisonerStatus.IN_CUSTODY
    assert await h.registry_alerts() == []
    assert "applied nothing" in h.notices[-1]
    notices = await h.storage.redis.xrange(h.storage.keys.admin_notices)
    assert notices[-1][1][b"kind"] == b"registry_sync"


@pytest.mark.parametrize("body", ["<html>maintenance</html>", "id,kind\n", "\x00\x01binary"])
async def test_a_malformed_source_keeps_the_registry(source, body: str) -> None:
    server, h, url = source
    before = await RegistryStore(h.storage).all()
    server.add("/registry.csv", body, etag='"broken"')
    outcome = await h.sync.sync(url, force=True)
    assert outcome.status == "refused" and outcome.message.startswith("cannot use it: ")
    assert await RegistryStore(h.storage).all() == before
    state = await h.sync.state(url)
    assert state.etag == '"v1"' and state.last_error == outcome.message


async def test_a_hostile_url_is_refused_like_a_feed(storage: Storage) -> None:
    async with Fetcher(FetchPolicy(trust_env=False)) as fetcher:  # no loopback allowance
        h = Harness(storage, fetcher, "http://127.0.0.1:9/registry.csv")
        outcome = await h.sync.sync("http://127.0.0.1:9/registry.csv")
    assert outcome.status == "refused" and outcome.message.startswith("cannot fetch: ")
    assert outcome.message.endswith("refused by the SSRF guard")
    assert await RegistryStore(storage).count() == 0


async def test_two_watchers_sync_once(storage: Storage) -> None:
    async with FeedServer() as server, Fetcher(ALLOW_LOOPBACK) as fetcher:
        url = server.url("/registry.csv")
        server.add("/registry.csv", csv({}), etag='"v1"', delay=0.3)
        one, two = Harness(storage, fetcher, url), Harness(storage, fetcher, url)
        outcomes = await asyncio.gather(one.sync.sync_due(), two.sync.sync_due())
        statuses = sorted(o[0].status for o in outcomes)
        assert statuses == ["applied", "busy"]
        assert server.hits["/registry.csv"] == 1
        # and the next look, before REGISTRY_POLL has passed, fetches nothing
        assert (await one.sync.sync_due())[0].status == "not_due"
        assert server.hits["/registry.csv"] == 1


async def test_the_watcher_syncs_registry_urls_in_its_loop(storage: Storage) -> None:
    async with FeedServer() as server, Fetcher(ALLOW_LOOPBACK) as fetcher:
        url = server.url("/registry.csv")
        server.add("/registry.csv", csv({}), etag='"v1"')
        h = Harness(storage, fetcher, url)
        stop = asyncio.Event()
        async with Watcher(storage, fetcher, WatcherConfig(), registry_sync=h.sync) as watcher:
            running = asyncio.create_task(watcher.run(stop))
            await wait_for(lambda: server.hits["/registry.csv"], message="a registry sync")
            await wait_for(RegistryStore(storage).count, message="the synced registry")
            stop.set()
            await running
    assert await RegistryStore(storage).count() == len(ROWS) + len(MORE)


def test_registry_url_setting() -> None:
    settings = Settings(_env_file=None, registry_url="https://a.example/r.csv, http://b.example/x")
    assert settings.registry_url == ("https://a.example/r.csv", "http://b.example/x")
    assert Settings(_env_file=None).registry_url == ()
    with pytest.raises(ValueError, match="expected http"):
        Settings(_env_file=None, registry_url="file:///etc/passwd")


async def test_admins_are_told_through_the_delivery_queue(storage: Storage) -> None:
    settings = Settings(_env_file=None, admin_ids="7,8", telegram_bot_token="1:" + "a" * 35)
    assert await notify_admins(storage, settings, "sync of <x> applied nothing") == 2
    sent = await queued(storage)
    assert {d.chat_id for d in sent} == {7, 8}
    assert {d.params["text"] for d in sent} == {"sync of &lt;x&gt; applied nothing"}
    # the same notice within the hour comes with the same ids: the sender's guard sends it once
    await notify_admins(storage, settings, "sync of <x> applied nothing")
    assert {d.id for d in await queued(storage)} == {d.id for d in sent}


async def test_stats_tells_how_registry_sync_goes(storage: Storage) -> None:
    url = "http://127.0.0.1:9/registry.csv"
    async with running_bot(storage) as bot:  # no REGISTRY_URL
        assert "Registry sync: off (no REGISTRY_URL)" in await bot.say(ADMIN, "/stats")
    async with running_bot(storage, registry_url=(url,)) as bot:
        assert "Registry sync: fine" in await bot.say(ADMIN, "/stats")
        async with Fetcher(FetchPolicy(trust_env=False)) as fetcher:
            await Harness(storage, fetcher, url).sync.sync(url)  # refused: a loopback address
        text = await bot.say(ADMIN, "/stats")
        assert f"Registry sync: {url}: cannot fetch: 127.0.0.1 is a loopback address" in text


def news_about(alert_id: str, events: dict[str, list[str]]) -> Alert:
    """A news alert as the watcher makes it: each named prisoner with its own events."""
    return Alert(
        id=alert_id,
        kind="news",
        title="t",
        prisoners=list(events),
        events=sorted({e for own in events.values() for e in own}),
        mentions={"mentions": [{"target": p, "events": own} for p, own in events.items()]},
    )


async def test_a_change_the_news_already_told_is_not_told_twice(source) -> None:
    server, h, url = source
    timeline = Timeline(h.storage.redis, h.storage.keys)
    # the news told of Marfa Rabkova's release; a story named Ihar Losik beside someone released
    await timeline.record_alert(news_about("n1", {"marfa-rabkova": ["released"]}))
    await timeline.record_alert(news_about("n2", {"ihar-losik": [], "person-1": ["released"]}))
    released = {"marfa-rabkova": "released", "ihar-losik": "released"}
    server.add("/registry.csv", csv(released), etag='"v2"')
    outcome = await h.sync.sync(url, force=True)
    assert (outcome.status, outcome.alerts) == ("applied", 1)  # Ihar Losik's only
    entries = await h.storage.redis.xrange(WatchKeys.of(h.storage.keys).alerts)
    told = [Alert.model_validate_json(f[b"alert"]).prisoners for _, f in entries]
    assert told == [["ihar-losik"]]
    # the change is on her timeline all the same
    [latest, *_] = await timeline.get("marfa-rabkova")
    assert latest.kind == "registry" and latest.change.new_status == "released"


async def test_many_people_vanishing_applies_nothing_though_the_size_holds(source) -> None:
    server, h, url = source
    others = {f"other-{i}": f"Іншы {i},Другой {i},Other {i}" for i in range(12)}
    server.add("/registry.csv", csv({"marfa-rabkova": "released"}, extra=others), etag='"v2"')
    outcome = await h.sync.sync(url, force=True)
    assert outcome.status == "refused"
    assert outcome.message == "12 of the 15 people it listed are gone from it"
    assert await h.status("marfa-rabkova") == PrisonerStatus.IN_CUSTODY
    # a few people leaving the list (released and dropped, say) is ordinary
    fewer = dict(list(MORE.items())[:9])
    server.add("/registry.csv", csv({"marfa-rabkova": "released"}, extra=fewer), etag='"v3"')
    assert (await h.sync.sync(url, force=True)).status == "applied"
    assert await h.status("marfa-rabkova") == PrisonerStatus.RELEASED
