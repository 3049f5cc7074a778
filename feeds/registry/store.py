"""The registry in Redis: one hash of target JSON, a version counter, and a seeded marker.

Every process reads the registry from here, so an admin's edit in the bot reaches the watchers: each
change bumps ``registry_version`` and a running process that sees a new version rebuilds its engine.
Merging is by id and never lets an empty value wipe a known one, so importing a fresh Viasna export
(Latin names only) keeps the Cyrillic names an admin added.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from feeds.registry.bundled import bundled_targets
from feeds.registry.importers import load_registry_file
from feeds.registry.keys import RegistryKeys
from feeds.registry.models import FACTS, AnyTarget, Prisoner, PrisonerStatus, target_from_json
from feeds.registry.reading import ImportResult, RegistryFileError
from feeds.storage.connection import Storage

log = logging.getLogger(__name__)

EMPTY = (None, "", [], {}, PrisonerStatus.UNKNOWN, "unknown")


@dataclass(frozen=True, slots=True)
class Change:
    """A target that a merge changed; ``old`` is None for a new one."""

    old: AnyTarget | None
    new: AnyTarget

    @property
    def status_changed(self) -> bool:
        """A prisoner's status or facility moved: later issues turn this into a timeline event."""
        return (
            isinstance(self.old, Prisoner)
            and isinstance(self.new, Prisoner)
            and (self.old.status, self.old.facility_id) != (self.new.status, self.new.facility_id)
        )


@dataclass(slots=True)
class MergeReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[Change] = field(default_factory=list)
    version: int = 0
    # status changes a file may not make (target id, kept status, the file's status)
    held: list[tuple[str, PrisonerStatus, PrisonerStatus]] = field(default_factory=list)
    stale: list[tuple[str, str]] = field(default_factory=list)  # (target id, fact) older, kept
    taken_down: int = 0  # records of people an admin took down, left out

    def line(self) -> str:
        line = f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"
        line += f", {len(self.held)} status changes held" if self.held else ""
        line += f", {len(self.stale)} facts older than stored kept" if self.stale else ""
        return line + (f", {self.taken_down} taken down left out" if self.taken_down else "")


def _renamed(target: AnyTarget, new_id: str | None) -> AnyTarget:
    """A record of a merged-away id lands on the id it was merged into."""
    return target if new_id is None else target.model_copy(update={"id": new_id})


def profile_key(url: str) -> str:
    """A profile URL as compared across sources: no scheme, no "www.", no trailing slash, lower
    case, and the same page in any language section (".../en/person/x" ~ ".../person/x")."""
    text = url.strip().lower().split("://", 1)[-1].removeprefix("www.").rstrip("/")
    return (
        text.replace("/en/person/", "/person/").replace("/be/person/", "/person/") if text else ""
    )


def takedown_mark(target_id: str) -> str:
    """What the takedown set keeps of an id: a hash, so the set itself names nobody."""
    return hashlib.sha256(f"takedown:{target_id}".encode()).hexdigest()[:32]


# A file's status never replaces one it cannot be sure of: Viasna's export says "former" for
# freed, expelled and dead alike, an old export says "active" of people freed since, and telling a
# family that their released relative is back in custody is the worst thing Vestka can do. These
# (stored -> offered) changes are held, reported, and left to an admin (/track):
HELD_STATUS_CHANGES: dict[PrisonerStatus, frozenset[PrisonerStatus]] = {
    PrisonerStatus.DIED: frozenset(set(PrisonerStatus) - {PrisonerStatus.DIED}),
    PrisonerStatus.RELEASED_EXPELLED: frozenset(
        {PrisonerStatus.RELEASED, PrisonerStatus.IN_CUSTODY, PrisonerStatus.UNKNOWN}
    ),
    PrisonerStatus.RELEASED: frozenset({PrisonerStatus.IN_CUSTODY, PrisonerStatus.UNKNOWN}),
    PrisonerStatus.IN_CUSTODY: frozenset({PrisonerStatus.UNKNOWN}),
}


CHECKED_MAX = 20  # records an admin can vouch for one by one (``registry import --checked``)


def held_status(old: AnyTarget | None, new: AnyTarget) -> bool:
    """Whether a file's status for ``new`` must not replace ``old``'s (``HELD_STATUS_CHANGES``)."""
    return (
        isinstance(old, Prisoner)
        and isinstance(new, Prisoner)
        and new.status in HELD_STATUS_CHANGES.get(old.status, frozenset())
    )


def stale_facts(old: AnyTarget | None, new: AnyTarget) -> list[str]:
    """The facts (``FACTS``) ``new`` states as of a date older than ``old``'s: a merge keeps
    ``old``'s (an old export never undoes a newer status, facility or sentence)."""
    if not (isinstance(old, Prisoner) and isinstance(new, Prisoner)):
        return []
    out = []
    for name in FACTS:
        was, now = old.facts.get(name), new.facts.get(name)
        if was and now and was.as_of and now.as_of and now.as_of < was.as_of:
            out.append(name)
    return out


# where each fact lives on the model (``extra["sentence"]`` for the sentence)
_FACT_FIELDS = {"status": "status", "facility": "facility_id"}


def merged(old: AnyTarget | None, new: AnyTarget, checked: bool = False) -> AnyTarget:
    """``new`` over ``old``: empty values in ``new`` keep the old ones; aliases are united; a held
    status change (``held_status``) keeps the old status; a fact ``new`` dates older than ``old``
    does (``stale_facts``) keeps the old fact, value and date."""
    if old is None or type(old) is not type(new):
        return new
    values = old.model_dump()
    keep_status = held_status(old, new) and not checked
    stale = set(stale_facts(old, new))
    if keep_status:
        stale |= {"status", "facility"}  # the record is older than what is stored: its place too
    kept_fields = {_FACT_FIELDS[f] for f in stale if f in _FACT_FIELDS}
    for name, value in new.model_dump().items():
        if name in kept_fields or name in ("facts", "extra", "aliases"):
            continue
        if value not in EMPTY:
            values[name] = value
    values["aliases"] = list(dict.fromkeys([*old.aliases, *new.aliases]))
    extra = {**old.extra, **new.extra}
    if "sentence" in stale and "sentence" in old.extra:
        extra["sentence"] = old.extra["sentence"]
    values["extra"] = extra
    if isinstance(old, Prisoner) and isinstance(new, Prisoner):
        facts = dict(old.facts)
        for name, fact in new.facts.items():
            was = facts.get(name)
            if name in stale:
                continue
            same = was is not None and old.fact_value(name) == new.fact_value(name)
            newer = fact.as_of is not None and (
                was is None or was.as_of is None or fact.as_of > was.as_of
            )
            if same and not newer:
                continue  # the same value: only a newer date confirms it (a re-import: nothing)
            facts[name] = fact
        values["facts"] = {k: v.model_dump() for k, v in facts.items()}
    return type(new).model_validate(values)


class RegistryStore:
    def __init__(self, storage: Storage) -> None:
        self.redis = storage.redis
        self.keys = RegistryKeys.of(storage.keys)

    async def version(self) -> int:
        return int(await self.redis.get(self.keys.registry_version) or 0)

    async def get(self, target_id: str) -> AnyTarget | None:
        raw = await self.redis.hget(self.keys.registry_targets, target_id)
        return target_from_json(raw) if raw else None

    async def many(self, target_ids: list[str]) -> list[AnyTarget]:
        """The stored targets among ``target_ids`` (unknown ids are left out)."""
        if not target_ids:
            return []
        raw = await self.redis.hmget(self.keys.registry_targets, target_ids)
        return [target_from_json(r) for r in raw if r]

    async def all(self) -> list[AnyTarget]:
        raw = await self.redis.hvals(self.keys.registry_targets)
        return sorted((target_from_json(r) for r in raw), key=lambda t: t.id)

    async def count(self) -> int:
        return await self.redis.hlen(self.keys.registry_targets)

    async def merge(self, targets: Iterable[AnyTarget], checked: bool = False) -> MergeReport:
        """Merge by id in one transaction; bump the version only when something changed."""
        report, updates = await self.plan(targets, checked)
        if updates:
            report.version = await self._write(updates)
        return report

    async def plan(
        self, targets: Iterable[AnyTarget], checked: bool = False
    ) -> tuple[MergeReport, dict[str, str]]:
        """What ``merge`` would do (the report, and the records it would write), writing nothing:
        ``registry import --dry-run``."""
        targets = await self.resolve(targets)
        report = MergeReport()
        if not targets:
            report.version = await self.version()
            return report, {}
        ids = [t.id for t in targets]
        existing = await self.redis.hmget(self.keys.registry_targets, ids)
        down = await self.redis.smismember(
            self.keys.registry_taken_down, [takedown_mark(i) for i in ids]
        )
        updates: dict[str, str] = {}
        for target, raw, gone in zip(targets, existing, down, strict=True):
            if gone:
                report.taken_down += 1
                continue
            old = target_from_json(raw) if raw else None
            if not checked and held_status(old, target) and old.status != target.status:  # type: ignore[union-attr]
                report.held.append((target.id, old.status, target.status))  # type: ignore[union-attr]
            for name in stale_facts(old, target):
                if old.fact_value(name) != target.fact_value(name):  # type: ignore[union-attr]
                    report.stale.append((target.id, name))
            new = merged(old, target, checked)
            if old is not None and old == new:
                report.unchanged += 1
                continue
            report.added += old is None
            report.updated += old is not None
            report.changes.append(Change(old, new))
            updates[new.id] = new.model_dump_json()
        report.version = await self.version()
        return report, updates

    async def resolve(self, targets: Iterable[AnyTarget]) -> list[AnyTarget]:
        """Incoming records under the ids they will be stored as: a merged-away id redirects, a
        person already stored under another id lands on it (``_same_person``); one record per id."""
        redirects = await self.redirects()
        renamed = [_renamed(t, redirects.get(t.id)) for t in targets]
        renamed = await self._same_person(renamed)
        return list({t.id: t for t in renamed}.values())

    async def _same_person(self, targets: list[AnyTarget]) -> list[AnyTarget]:
        """Records of a person already stored under another id land on that id: the same Viasna
        id, or the same profile URL (the bundled "ihar-iljash" and the export's "ihar-iljasz")."""
        incoming = [
            t for t in targets if isinstance(t, Prisoner) and (t.viasna_id or t.profile_url)
        ]
        if not incoming:
            return targets
        known = await self.redis.hmget(self.keys.registry_targets, [t.id for t in incoming])
        if all(known):
            return targets  # every record is already its own stored target: nothing to read
        stored = [t for t in await self.all() if isinstance(t, Prisoner)]
        ids = {t.id for t in stored}
        by_viasna = {t.viasna_id: t.id for t in stored if t.viasna_id is not None}
        by_url = {profile_key(t.profile_url): t.id for t in stored if t.profile_url}
        out = []
        for target in targets:
            if isinstance(target, Prisoner) and target.id not in ids:
                same = by_viasna.get(target.viasna_id) if target.viasna_id is not None else None
                same = same or by_url.get(profile_key(target.profile_url))
                if same is not None:
                    target = _renamed(target, same)
            out.append(target)
        return out

    async def put(self, target: AnyTarget) -> int:
        """Replace one target as given (admin edits); returns the new version. An admin adding a
        taken-down id back means it: the takedown mark goes."""
        await self.redis.srem(self.keys.registry_taken_down, takedown_mark(target.id))
        return await self._write({target.id: target.model_dump_json()})

    async def redirects(self) -> dict[str, str]:
        """Merged-away id -> the id it lives on as (``registry merge``)."""
        raw = await self.redis.hgetall(self.keys.registry_redirects)
        return {k.decode(): v.decode() for k, v in raw.items()}

    async def fold(self, old_id: str, into: AnyTarget) -> int:
        """Replace the target ``old_id`` by ``into`` (already merged by the caller): the old record
        goes, and its id redirects to ``into.id`` for imports, deep links and buttons. Ids that
        redirected to ``old_id`` follow it. Returns the new version."""
        redirects = await self.redirects()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hdel(self.keys.registry_targets, old_id)
            pipe.hset(self.keys.registry_targets, into.id, into.model_dump_json())
            pipe.hset(self.keys.registry_redirects, old_id, into.id)
            for source, target in redirects.items():
                if target == old_id:
                    pipe.hset(self.keys.registry_redirects, source, into.id)
            pipe.incr(self.keys.registry_version)
            *_, version = await pipe.execute()
        return int(version)

    async def take_down(self, target_id: str) -> bool:
        """Remove a target and keep later imports from bringing it back
        (``bot/telegram/takedown.py`` removes the rest of its traces). False when there was no such
        target."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hdel(self.keys.registry_targets, target_id)
            pipe.sadd(self.keys.registry_taken_down, takedown_mark(target_id))
            pipe.incr(self.keys.registry_version)
            removed, _, _ = await pipe.execute()
        return bool(removed)

    async def _write(self, updates: dict[str, str]) -> int:
        if not updates:
            return await self.version()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.keys.registry_targets, mapping=updates)
            pipe.incr(self.keys.registry_version)
            _, version = await pipe.execute()
        return int(version)

    async def import_file(
        self,
        path: Path,
        include_np: bool = False,
        checked: bool = False,
        as_of: date | None = None,
    ) -> tuple[ImportResult, MergeReport]:
        """Merge a registry file in; ``RegistryFileError`` (nothing merged) for a file that cannot be
        used at all: unreadable, not text, no header or no valid row. ``include_np``: keep Viasna's
        records of people it does not recognise as political prisoners. ``checked``: an admin
        checked each status in this small file (a re-arrest after release), so its statuses replace
        even held ones; refused for more than ``CHECKED_MAX`` records. ``as_of`` dates the
        file's facts that carry no date of their own (``registry import --as-of``)."""
        if checked and as_of is None:
            as_of = date.today()  # an admin checked these statuses now
        result = self.read_file(path, include_np, as_of)
        if checked and len(result.targets) > CHECKED_MAX:
            raise RegistryFileError(
                path,
                f"--checked is for statuses checked one by one: at most {CHECKED_MAX} records, "
                f"this file has {len(result.targets)}",
            )
        return result, await self.merge(result.targets, checked)

    @staticmethod
    def read_file(path: Path, include_np: bool = False, as_of: date | None = None) -> ImportResult:
        """A registry file's targets; ``RegistryFileError`` for a file that cannot be used."""
        result = load_registry_file(path, include_np, as_of)
        if result.fatal is not None:
            raise RegistryFileError(path, result.fatal)
        return result

    async def ensure_seeded(
        self, registry_file: Path | None, include_np: bool = False
    ) -> ImportResult | None:
        """Seed once per storage: from ``registry_file`` when set, else from the bundled registry.

        The marker is set after the import, so a crash half-way seeds again next time (merging is
        idempotent) instead of leaving an empty registry forever.
        """
        if await self.redis.exists(self.keys.registry_seeded):
            return None
        if registry_file is not None:
            result, report = await self.import_file(registry_file, include_np)
        else:
            result = ImportResult(targets=bundled_targets())
            report = await self.merge(result.targets)
        await self.redis.set(self.keys.registry_seeded, str(registry_file or "bundled"), nx=True)
        log.info(
            "registry seeded from %s: %s", registry_file or "the bundled registry", report.line()
        )
        return result

    async def stats(self) -> dict[str, object]:
        targets = await self.all()
        by_kind: dict[str, int] = {}
        by_status: dict[str, int] = {}
        for target in targets:
            by_kind[str(target.kind)] = by_kind.get(str(target.kind), 0) + 1
            if isinstance(target, Prisoner):
                by_status[str(target.status)] = by_status.get(str(target.status), 0) + 1
        return {
            "targets": len(targets),
            "version": await self.version(),
            "by_kind": by_kind,
            "prisoners_by_status": by_status,
        }
