"""An English-only record of Viasna's export, found as the press of each language writes the
person: Łacinka typed without its diacritics, an export name that is itself such Łacinka, the
German press's "ch" for х, a second surname in parentheses or after a hyphen, and a namesake freed
from an older case told apart from the one held now."""

from __future__ import annotations

import pytest

from feeds.mentions import compile_registry
from feeds.mentions.names import fuzzy_key
from feeds.mentions.scripts import cyrillic_variants, skeleton
from feeds.registry.models import Gender, Prisoner, PrisonerStatus
from feeds.registry.viasna import name_and_aliases, prisoner_from_viasna


def _record(rid: int, slug: str, name: str, status: str = "active", **extra: str) -> dict:
    return {
        "id": rid, "url": f"https://prisoners.spring96.org/en/person/{slug}", "name": name,
        "status": status, "gender": "male", **extra,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Katsiaryna Andreyeva (Bakhvalava)", ("Katsiaryna Andreyeva", ["Katsiaryna Bakhvalava"])),
        ("Viachaslau (Vatslau) Areshka", ("Viachaslau Areshka", ["Vatslau Areshka"])),
        (
            "Akikhiro Hayeuski-Hanada",
            ("Akikhiro Hayeuski-Hanada", ["Akikhiro Hayeuski", "Akikhiro Hanada"]),
        ),
        ("Iryna Bud-Husaim", ("Iryna Bud-Husaim", [])),  # a three-letter part is not a surname
        ("Ales Bialiatski", ("Ales Bialiatski", [])),
    ],
)
def test_a_records_other_names_become_aliases(name, expected) -> None:
    assert name_and_aliases(name) == expected


@pytest.mark.parametrize(
    ("registry", "written"),
    [
        ("Tsikhanouski", "Cichanouski"),  # х as "ch", Łacinka without its marks
        ("Autukhovich", "Autuchovic"),
        ("Statkevich", "Statkievica"),
        ("Pushkin", "Puskin"),
        ("Mazheika", "Mazejka"),
        ("Stefanovic", "Стэфановіча"),  # the export's own stripped Łacinka: -ic is -ič
        ("Stefanovic", "Stefanovich"),
    ],
)
def test_latin_only_surnames_key_as_plain_lacinka(registry, written) -> None:
    keys = cyrillic_variants(registry)
    assert any(skeleton(written).startswith(key) for key in keys)


def test_a_real_final_ts_is_not_read_as_ch() -> None:
    assert skeleton("Kovalchich") not in cyrillic_variants("Kovaltsic")


def test_the_fuzzy_key_reads_polish_cz_as_lacinka_c() -> None:
    assert fuzzy_key(skeleton("Poczobut")) == fuzzy_key(skeleton("Pacobut"))
    assert fuzzy_key(skeleton("Karziuk")) != fuzzy_key(skeleton("Kozak"))  # ж is still not з


@pytest.fixture(scope="module")
def engine():
    people = [
        prisoner_from_viasna(_record(1, "valjancin-stefanovicz", "Valiantsin Stefanovic")),
        prisoner_from_viasna(_record(2, "akichira", "Akikhiro Hayeuski-Hanada")),
        prisoner_from_viasna(_record(3, "kacjaryna", "Katsiaryna Andreyeva (Bakhvalava)")),
        prisoner_from_viasna(_record(4, "siarhiej-c", "Siarhei Tsikhanouski")),
        prisoner_from_viasna(
            _record(5, "ihar-old", "Ihar Alinevich", "former", arrested="2010-11-28")
        ),
        prisoner_from_viasna(_record(6, "ihar-new", "Ihar Alinevich", arrested="2020-10-28")),
        Prisoner(
            id="viktar", name_en="Viktar Babaryka", gender=Gender.MALE,
            status=PrisonerStatus.RELEASED, extra={"arrested": "2020-06-18"},
        ),
        Prisoner(id="eduard", name_en="Eduard Babaryka", gender=Gender.MALE,
                 extra={"arrested": "2020-06-18"}),
    ]  # fmt: skip
    return compile_registry(people)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Walancina Stefanowicza przewieziono do kolonii.", {"valjancin-stefanovicz"}),
        ("Валянціна Стэфановіча перавялі ў калонію.", {"valjancin-stefanovicz"}),
        ("Akihiro Hanada was moved to a colony.", {"akichira"}),
        ("Кацярыну Бахвалаву перавялі ў калонію.", {"kacjaryna"}),
        ("Sergej Tichanowski wurde in eine andere Kolonie verlegt.", {"siarhiej-c"}),
        ("Siarhieja Cichanouskaha pieraviali ŭ kałoniju.", {"siarhiej-c"}),
        # moved between colonies: the Alinevich held now, not the one freed from his 2010 case
        ("Ігара Аліневіча перавялі ў іншую калонію.", {"ihar-new"}),
    ],
)
def test_english_only_records_are_found_as_the_press_writes_them(engine, text, expected) -> None:
    assert set(engine.scan(text).prisoners) == expected


def test_a_sentence_that_says_nothing_of_custody_leaves_namesakes_a_question(engine) -> None:
    result = engine.scan("Ihar Alinevich gave an interview about the colony.")
    assert result.prisoners == ()
    assert {frozenset(g) for g in result.ambiguous} == {frozenset({"ihar-old", "ihar-new"})}


def test_namesakes_of_one_case_stay_a_question_though_one_is_free(engine) -> None:
    # arrested on one day, one since freed: the story may be older than the news of the release
    result = engine.scan("Babaryka was moved to another colony.")
    assert {frozenset(g) for g in result.ambiguous} == {frozenset({"viktar", "eduard"})}


def test_a_surname_in_shka_declines_as_a_noun_not_an_adjective() -> None:
    engine = compile_registry(
        [prisoner_from_viasna(_record(7, "viktar-baruszka", "Viktar Barushka"))]
    )
    for text in (
        "Sąd dołożył rok więzienia Wiktarowi Baruszce z kolonii karnej nr 9.",  # dative, ш+к -> ш+ц
        "Віктару Барушку дадалі год.",
    ):
        assert engine.scan(text).prisoners == ("viktar-baruszka",), text


def test_ukrainian_given_names_and_surnames_in_enko_find_a_belarusian_record() -> None:
    engine = compile_registry([prisoner_from_viasna(_record(8, "vera-m", "Vera Musienka"))])
    # Віра is the Ukrainian Вера; -енко the Ukrainian -енка (on the path beside the given name)
    assert engine.scan("Суд засудив Віру Мусієнко до року позбавлення волі.").prisoners == (
        "vera-m",
    )
