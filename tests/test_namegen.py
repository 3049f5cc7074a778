"""The benchmark registry generator makes realistic, valid, reproducible registries."""

from __future__ import annotations

import re

import pytest

from feeds.mentions.scripts import romanize_national, romanize_polish, romanize_press
from feeds.registry.models import ID_RE, Gender, Prisoner
from testkit.namegen import (
    MASCULINE_ONLY_BE,
    MASCULINE_ONLY_RU,
    generate_people,
    generate_prisoners,
)


@pytest.fixture(scope="module")
def people():
    return generate_people(3000, seed=7)


def test_ids_valid_and_unique(people):
    ids = [p.id for p in people]
    assert len(ids) == 3000
    assert len(set(ids)) == len(ids)
    assert all(ID_RE.fullmatch(i) for i in ids)


def test_entries_are_valid_prisoners(people):
    for person in people[:500]:
        again = Prisoner.model_validate(person.prisoner.model_dump())
        assert again == person.prisoner
        assert person.prisoner.name_be and person.prisoner.name_ru and person.prisoner.name_en


def test_deterministic_for_a_seed():
    first = [p.model_dump() for p in generate_prisoners(400, seed=3)]
    again = [p.model_dump() for p in generate_prisoners(400, seed=3)]
    other = [p.model_dump() for p in generate_prisoners(400, seed=4)]
    assert first == again
    assert first != other


def test_prefix_stable_across_sizes():
    # A smaller registry is not required to be a prefix, but generating must not depend on global state.
    generate_prisoners(50, seed=1)
    assert [p.id for p in generate_prisoners(50, seed=1)] == [
        p.id for p in generate_prisoners(50, seed=1)
    ]


def test_scripts_are_clean(people):
    for person in people:
        p = person.prisoner
        assert re.fullmatch(r"[А-ЯЁІЎа-яёіў' ]+", p.name_be), p.name_be
        assert re.fullmatch(r"[А-ЯЁа-яё ]+", p.name_ru.replace("ь", "ь")), p.name_ru
        assert not re.search(r"[іўІЎ']", p.name_ru), p.name_ru
        assert re.fullmatch(r"[A-Za-zĆćČčĹĺŃńŚśŠšŭŬŹźŽž ]+", p.name_en), p.name_en


def test_feminine_surnames_for_female_entries(people):
    women = [p for p in people if p.female]
    men = [p for p in people if not p.female]
    assert 0.1 < len(women) / len(people) < 0.3
    for person in women:
        assert person.prisoner.gender is Gender.FEMALE
        assert not person.surname_be.endswith(MASCULINE_ONLY_BE), person.surname_be
        assert not person.surname_ru.endswith(MASCULINE_ONLY_RU), person.surname_ru
    adjectival_women = [p for p in women if p.pattern in ("ski", "ouski", "euski")]
    assert adjectival_women
    assert all(
        p.surname_be.endswith("ая") and p.surname_ru.endswith("ая") for p in adjectival_women
    )
    assert all(p.prisoner.gender is Gender.MALE for p in men)
    assert any(p.surname_be.endswith(("скі", "цкі")) for p in men)


def test_some_shared_surnames_mostly_distinct(people):
    seen: set[str] = set()
    repeats = 0
    for person in people:
        lemma = _masculine_lemma(person.surname_be)
        repeats += lemma in seen
        seen.add(lemma)
    assert 0.02 <= repeats / len(people) <= 0.08, repeats


def _masculine_lemma(surname_be: str) -> str:
    # a family shares the lemma once the feminine ending is undone
    return re.sub(r"(ская|ова|ёва|ава|іна|ына)$", lambda m: _UNDO[m.group(1)], surname_be)


_UNDO = {"ская": "скі", "ова": "оў", "ёва": "ёў", "ава": "аў", "іна": "ін", "ына": "ын"}


def test_aliases_present(people):
    with_aliases = [p for p in people if p.prisoner.aliases]
    assert 0.05 < len(with_aliases) / len(people) < 0.5


@pytest.mark.parametrize(
    ("cyr", "national", "press", "polish"),
    [
        ("Алесь Бяляцкі", "Alieś Bialiacki", "Ales Bialiatski", "Aleś Bialacki"),
        (
            "Сяргей Ціханоўскі",
            "Siarhiej Cichanoŭski",
            "Siarhei Tsikhanouski",
            "Siarhiej Cichanouski",
        ),
        ("Марыя Калеснікава", "Maryja Kaliesnikava", "Maryia Kalesnikava", "Maryja Kalesnikawa"),
        ("Ілья Салаўёў", "Iĺja Salaŭjoŭ", "Ilya Salauyou", "Ilja Sałaujou"),
    ],
)
def test_romanizations(cyr, national, press, polish):
    assert romanize_national(cyr) == national
    assert romanize_press(cyr) == press
    assert romanize_polish(cyr) == polish


def test_inflected_forms(people):
    by_pattern = {}
    for person in people:
        by_pattern.setdefault((person.pattern, person.female), person)
    man = by_pattern[("ski", False)]
    assert man.forms("be", "gen")[1].endswith("ага")
    assert man.forms("ru", "gen")[1].endswith("ого")
    assert man.forms("pl", "gen")[1].endswith("iego")
    woman = by_pattern[("ou", True)]
    assert woman.forms("be", "ins")[1].endswith("овай")
    assert woman.forms("ru", "ins")[1].endswith("овой")
    assert woman.forms("pl", "ins")[1].endswith("ową")
    indeclinable = by_pattern[("evich", True)]
    assert indeclinable.forms("ru", "gen")[1] == indeclinable.surname_ru
