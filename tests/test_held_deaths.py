"""A death a registry source reports is held until an admin confirms it: ``/registry_apply`` in
Telegram (through the fake Bot API) and ``registry held`` / ``registry apply`` in a shell. What each
admin, non-admin and wrong id gets."""

from __future__ import annotations

import time

from bot.telegram.i18n import t
from feeds.registry.held import HeldDeaths
from feeds.registry.models import Prisoner, PrisonerStatus
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from subscriptions.store import SubscriptionStore
from testkit.harness import ADMIN, running_bot
from testkit.sending import queued

USER = 502


async def _hold(
    storage: Storage, target_id: str, source: str = "export.example.org/x.json"
) -> Prisoner:
    stored = await RegistryStore(storage).get(target_id)
    assert isinstance(stored, Prisoner) and stored.status != PrisonerStatus.DIED
    dead = stored.model_copy(update={"status": PrisonerStatus.DIED})
    assert await HeldDeaths(storage).hold(dead, source)
    return stored


async def test_registry_apply_lists_confirms_and_tells_followers(storage: Storage) -> None:
    async with running_bot(storage) as bot:
        assert await bot.say(ADMIN, "/registry_apply") == t("en", "admin.apply_none")
        await bot.say(USER, "/subscribe Znak")
        znak = await _hold(storage, "maksim-znak", "<b>x</b>.org/export.json")
        listed = await bot.say(ADMIN, "/registry_apply")
        assert listed.startswith(t("en", "admin.apply_header", count=1))
        assert "maksim-znak" in listed and "&lt;b&gt;x&lt;/b&gt;.org" in listed  # escaped
        assert time.strftime("%Y-%m-%d", time.gmtime()) in listed
        # nobody was told yet, and the registry still says what it said
        assert await queued(storage) == []
        stats = await bot.say(ADMIN, "/stats")
        assert t("en", "admin.sync_held", count=1) in stats
        assert (await bot.services.registry_store.get(znak.id)).status == znak.status

        done = await bot.say(ADMIN, "/registry_apply maksim-znak")
        assert done == t("en", "admin.apply_done", name="Maksim Znak", alerts=1)
        assert (await bot.services.registry_store.get(znak.id)).status == PrisonerStatus.DIED
        assert await HeldDeaths(storage).all() == {}
        assert await bot.say(ADMIN, "/registry_apply maksim-znak") == t(
            "en", "admin.apply_missing", id="maksim-znak"
        )
        assert USER in await SubscriptionStore(storage).subscribers_of("maksim-znak")


async def test_a_wrong_report_is_dropped_and_nothing_changes(storage: Storage) -> None:
    async with running_bot(storage) as bot:
        before = await _hold(storage, "maksim-znak")
        assert await bot.say(ADMIN, "/registry_apply maksim-znak drop") == t(
            "en", "admin.apply_dropped", id="maksim-znak"
        )
        assert await bot.services.registry_store.get("maksim-znak") == before
        assert await HeldDeaths(storage).all() == {}
        for bad in (
            "/registry_apply BAD ID",
            "/registry_apply maksim-znak now",
            "/registry_apply a b c",
        ):
            assert await bot.say(ADMIN, bad) == t("en", "admin.apply_usage")


async def test_registry_apply_is_for_admins_only(storage: Storage) -> None:
    async with running_bot(storage) as bot:
        await _hold(storage, "maksim-znak")
        assert await bot.say(USER, "/registry_apply maksim-znak") == t("en", "admin.not_allowed")
        assert await bot.say(USER, "/registry_apply") == t("en", "admin.not_allowed")
        assert list(await HeldDeaths(storage).all()) == ["maksim-znak"]


async def test_takedown_forgets_a_held_death(storage: Storage) -> None:
    async with running_bot(storage) as bot:
        await _hold(storage, "maksim-znak")
        await bot.say(ADMIN, "/untrack maksim-znak")
        assert await HeldDeaths(storage).all() == {}


async def test_registry_held_and_apply_from_a_shell(storage: Storage, cli) -> None:
    assert cli("registry", "stats").returncode == 0  # seeds the bundled registry
    await _hold(storage, "maksim-znak")
    listed = cli("registry", "held")
    assert listed.returncode == 0 and listed.stdout.startswith("maksim-znak\t")
    assert "export.example.org/x.json" in listed.stdout
    missing = cli("registry", "apply", "nobody-here")
    assert missing.returncode == 2 and "no death is held for 'nobody-here'" in missing.stderr
    applied = cli("registry", "apply", "maksim-znak")
    assert applied.returncode == 0 and "applied the death of maksim-znak" in applied.stdout
    assert (await RegistryStore(storage).get("maksim-znak")).status == PrisonerStatus.DIED
    assert cli("registry", "held").stdout == ""
