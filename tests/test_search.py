"""The name search behind inline mode, /subscribe, /status and ``registry show``."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from feeds.registry.bundled import bundled_facilities
from feeds.registry.importers import load_registry_file
from feeds.registry.models import Facility, Prisoner, PrisonerStatus
from feeds.registry.search.index import MAX_LIMIT, Hit, SearchIndex

REGISTRY = Path(__file__).parent / "data" / "mentions" / "registry.csv"


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    targets = load_registry_file(REGISTRY).targets
    prisoners = [t for t in targets if isinstance(t, Prisoner)]
    return SearchIndex.build([*prisoners, *bundled_facilities()])


def ids(hits: list[Hit]) -> list[str]:
    return [h.target.id for h in hits]


def first(index: SearchIndex, query: str) -> str | None:
    hits = index.search(query)
    return hits[0].target.id if hits else None


# -- one man, every spelling ------------------------------------------------------------------------

BIALIATSKI = [
    "bial",
    "Бяляц",
    "беляцк",
    "Białacki",
    "Bialiatski",
    "BIALIATSKI",
    "Bialacki",
    "Bjaljazki",
    "Aleś",
    "ales bial",
    "Bialiatski Ales",
    "Алесь Беляцкий",
    "Бяляцкага",  # be genitive
    "Беляцкого",  # ru genitive
    "Białackiego",  # pl genitive
    "Bialatsky",
    "Bailiatski",  # typo: one edit
    "Bialiat",  # as-you-type, cut inside "ts"
]


@pytest.mark.parametrize("query", BIALIATSKI)
def test_every_spelling_finds_bialiatski_first(index: SearchIndex, query: str) -> None:
    assert first(index, query) == "ales-bialiacki"


def test_matched_is_the_name_form_that_matched(index: SearchIndex) -> None:
    assert index.search("Бяляц")[0].matched == "Алесь Бяляцкі"
    assert index.search("беляцк")[0].matched == "Алесь Беляцкий"
    assert index.search("Bialiatski Ales")[0].score > index.search("Bialiatski")[0].score


# -- women's surnames, inflection, typos -------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "Kalesnikava",
        "Kalesnikova",
        "Колесникова",
        "Калеснікавай",  # be genitive/instrumental
        "Колесниковой",  # ru
        "Kalesnikowej",  # pl genitive
        "Kalesnikawą",  # pl instrumental
        "Марыя Калеснікава",
        "Мария Колесникова",
        "Маша Калеснікава",  # diminutive from the first-name lexicon
        "Kolesnikva",  # typo
        "kales",
    ],
)
def test_kalesnikava(index: SearchIndex, query: str) -> None:
    assert first(index, query) == "maryja-kalesnikava"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Андрэевай", "katsiaryna-andreyeva"),
        ("Бахвалава", "katsiaryna-andreyeva"),  # legal surname (alias)
        ("Ціханоўскага", "siarhei-cichanouski"),
        ("Tsikhanouski", "siarhei-cichanouski"),
        ("Дзядка", "mikalaj-dziadok"),  # fleeting vowel
        ("Севярынца", "pavel-seviarynets"),
        ("Почобута", "andrzej-poczobut"),
        ("Andrzej Poczobut", "andrzej-poczobut"),
        ("Шарэнда-Панасюк", "palina-sharenda-panasiuk"),
        ("Panasiuk Palina", "palina-sharenda-panasiuk"),
        ("Лобкович", "uladzimir-labkovic"),
        ("Statkiewicz", "mikalaj-statkievic"),
        ("Mikola Statkevich", "mikalaj-statkievic"),
        ("Анастасия Лойко", "nasta-lojka"),
    ],
)
def test_other_forms(index: SearchIndex, query: str, expected: str) -> None:
    assert first(index, query) == expected


def test_latin_only_entry_found_from_cyrillic(index: SearchIndex) -> None:
    assert first(index, "Чульцова") == "darya-chultsova"
    assert first(index, "Дар'я Чульцова") == "darya-chultsova"
    assert first(index, "Белавус") == "pavel-belavus"
    assert index.search("Чульцова")[0].matched == "Darya Chultsova"


# -- namesakes and ranking ---------------------------------------------------------------------------


def test_namesakes_surname_alone_ties_broken_by_custody_then_name(index: SearchIndex) -> None:
    hits = index.search("Babaryka")
    assert ids(hits)[:2] == ["eduard-babaryka", "viktar-babaryka"]  # Eduard is in custody
    assert hits[0].score == hits[1].score
    assert hits[0].target.status == PrisonerStatus.IN_CUSTODY


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Viktar Babaryka", "viktar-babaryka"),
        ("Бабарико Виктор", "viktar-babaryka"),
        ("Бабарико Эдуард", "eduard-babaryka"),
        ("Eduard Babaryka", "eduard-babaryka"),
    ],
)
def test_namesakes_full_name_picks_the_person(
    index: SearchIndex, query: str, expected: str
) -> None:
    hits = index.search(query)
    assert ids(hits) == [expected]


def test_ranking_tiers(index: SearchIndex) -> None:
    full = index.search("Ales Bialiatski")[0].score
    surname = index.search("Bialiatski")[0].score
    prefix = index.search("Bialia")[0].score
    first_only = index.search("Ales")[0].score
    fuzzy = index.search("Bailiatski")[0].score
    assert full > surname > prefix > first_only > fuzzy
    assert (int(full), int(surname), int(prefix), int(first_only), int(fuzzy)) == (5, 4, 3, 2, 1)


def test_first_name_only_lists_every_bearer(index: SearchIndex) -> None:
    assert ids(index.search("Ales")) == ["ales-bialiacki", "ales-puskin"]
    assert set(ids(index.search("Ihar"))) >= {"ihar-losik", "ihar-karnei", "ihar-ilyash"}


def test_search_is_deterministic(index: SearchIndex) -> None:
    for query in ("a", "Ihar", "колония", "Minsk", "Bial"):
        assert index.search(query, limit=MAX_LIMIT) == index.search(query, limit=MAX_LIMIT)


# -- facilities ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ИК-9", "ik-9-horki"),
        ("ik 9", "ik-9-horki"),
        ("IK9", "ik-9-horki"),
        ("калонія 9", "ik-9-horki"),
        ("колония №9", "ik-9-horki"),
        ("colony No. 9", "ik-9-horki"),
        ("penal colony no 9", "ik-9-horki"),
        ("kolonia karna nr 9", "ik-9-horki"),
        ("Horki colony", "ik-9-horki"),
        ("Горки", "ik-9-horki"),
        ("Горецкай калоніі", "ik-9-horki"),
        ("Валадарка", "sizo-1-minsk"),
        ("Володарка", "sizo-1-minsk"),
        ("Akrestsina", "akrestsina-minsk"),
        ("Окрестина", "akrestsina-minsk"),
        ("СИЗО-1", "sizo-1-minsk"),
        ("СІЗА 1", "sizo-1-minsk"),
        ("pre-trial detention Brest", "sizo-7-brest"),
        ("areszt Brest", "sizo-7-brest"),
        ("Prison 4", "prison-4-mahiliou"),
        ("тюрьма 4", "prison-4-mahiliou"),
        ("турма 4", "prison-4-mahiliou"),
        ("więzienie nr 4", "prison-4-mahiliou"),
        ("Американка", "kgb-sizo-minsk"),
        ("СИЗО КГБ", "kgb-sizo-minsk"),
        ("Воўчыя норы", "ik-22-damanava"),
        ("ВК-2", "vk-2-babrujsk-juvenile"),
        ("ИК-2", "ik-2-babrujsk"),
    ],
)
def test_facilities(index: SearchIndex, query: str, expected: str) -> None:
    assert first(index, query) == expected


def test_facility_number_is_exact_and_kind_narrows(index: SearchIndex) -> None:
    assert ids(index.search("ИК-1")) == ["ik-1-navapolack"]  # not IK-11, IK-12...
    assert ids(index.search("Prison 4")) == ["prison-4-mahiliou"]  # not SIZO-4 of the same town
    colonies = index.search("колония", limit=MAX_LIMIT)
    assert colonies and all(isinstance(h.target, Facility) for h in colonies)
    assert all(h.target.kind == "colony" for h in colonies)


@pytest.mark.parametrize("query", ["9", "1", "  17 ", "No. 9", "№ 4"])
def test_a_bare_number_finds_nothing(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []


# -- hostile input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "\t\n ",
        "\x00",
        "\x00" * 10_000,
        "🙂🙂",
        "שלום",
        "مرحبا",
        "<script>",
        "<script>alert(1)</script>",
        "&lt;&gt;",
        "---",
        "№",
    ],
)
def test_junk_finds_nothing_and_never_crashes(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []
    assert isinstance(index.suggest(query), list)


def test_html_is_just_text(index: SearchIndex) -> None:
    assert first(index, "<b>Bialiatski</b>") == "ales-bialiacki"
    assert first(index, "Bialiatski\x00🙂") == "ales-bialiacki"
    assert first(index, "\u202eBialiatski\u202c") == "ales-bialiacki"  # RTL override marks


@pytest.mark.parametrize("query", ["a" * 10_000, "Bialiatski " * 1_000, "ИК-9 " * 2_000])
def test_huge_query_is_bounded(index: SearchIndex, query: str) -> None:
    hits = index.search(query)
    assert len(hits) <= 50
    if query.startswith("Bialiatski"):
        assert ids(hits) == ["ales-bialiacki"]


def test_limit_is_clamped(index: SearchIndex) -> None:
    assert index.search("a", limit=0) == []
    assert index.search("a", limit=-5) == []
    assert len(index.search("a", limit=10**9)) <= MAX_LIMIT
    assert index.search("a", offset=-3) == index.search("a")


# -- pagination ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["a", "i", "колония", "Minsk", "s"])
def test_pages_concatenate_to_the_whole_list(index: SearchIndex, query: str) -> None:
    whole = index.search(query, limit=MAX_LIMIT)
    assert len(whole) > 3
    pages: list[Hit] = []
    offset = 0
    while True:
        page = index.search(query, limit=3, offset=offset)
        if not page:
            break
        pages += page
        offset += 3
    assert pages == whole
    assert len(set(ids(whole))) == len(whole)
    scores = [h.score for h in whole]
    assert scores == sorted(scores, reverse=True)


# -- suggest, get, build ------------------------------------------------------------------------------


def test_suggest_offers_the_closest_names(index: SearchIndex) -> None:
    assert index.search("Kalisenkawa") == []
    assert ids(index.suggest("Kalisenkawa"))[0] == "maryja-kalesnikava"
    assert ids(index.suggest("Losk"))[0] == "ihar-losik"
    assert index.suggest("zzzzq") == []
    assert index.suggest("") == []
    assert all(0 < h.score <= 1 for h in index.suggest("Bjalacky"))


def test_get(index: SearchIndex) -> None:
    target = index.get("ik-9-horki")
    assert isinstance(target, Facility) and target.number == 9
    assert index.get("nobody") is None


def test_later_duplicate_replaces_earlier() -> None:
    old = Prisoner(id="x-1", name_en="Ihar Losik")
    new = Prisoner(id="x-1", name_en="Ihar Karnei")
    index = SearchIndex.build([old, new])
    assert len(index) == 1
    assert first(index, "Karnei") == "x-1"
    assert index.search("Losik") == []


def test_empty_index() -> None:
    index = SearchIndex.build([])
    assert index.search("Bialiatski") == []
    assert index.suggest("Bialiatski") == []


def test_threads_share_one_index(index: SearchIndex) -> None:
    queries = ["bial", "ИК-9", "Kalesnikowej", "Bailiatski", "a", "Babaryka"]
    expected = {q: index.search(q) for q in queries}
    failures: list[str] = []

    def worker() -> None:
        for _ in range(30):
            for q in queries:
                if index.search(q) != expected[q]:
                    failures.append(q)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # patronymics, as court reports and state media write names
        ("Колесникова Мария Александровна", "maryja-kalesnikava"),
        ("Kalesnikava Maryja Aliaksandrauna", "maryja-kalesnikava"),
        ("Алесь Віктаравіч Бяляцкі", "ales-bialiacki"),
        # a one-letter preposition, a word that names nobody
        ("z Bialackim", "ales-bialiacki"),
        ("Babaryka Viktar Street", "viktar-babaryka"),
    ],
)
def test_words_that_are_not_names_do_not_empty_the_answer(
    index: SearchIndex, query: str, expected: str
) -> None:
    assert first(index, query) == expected


def test_a_surname_ending_like_a_patronymic_is_still_a_surname(index: SearchIndex) -> None:
    assert first(index, "Лабковіч") is not None and "labkovic" in first(index, "Лабковіч")


# -- how people really type (bench.search_spellings measures it on Viasna's whole export) ---------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Maxim Valeryevich Znak", "maksim-znak"),  # a Latin "ch" patronymic, given name first
        ("Максим Валерьевич Знак", "maksim-znak"),
        ("Freiheit für Viktar Babaryka", "viktar-babaryka"),  # words that name nobody here
        ("Viktar Babaryka died in prison", "viktar-babaryka"),
        ("dziennikarz Ihar Łosik areszt", "ihar-losik"),
    ],
)
def test_patronymics_and_words_that_name_nobody_are_left_out(index, query, expected):
    hits = index.search(query)
    assert hits and hits[0].target.id == expected, (query, ids(hits)[:3])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Maksim Znka", "maksim-znak"),  # too short for a typo: found by the first name
        ("Viktar Babaryak", "viktar-babaryka"),  # two letters swapped in a seven-letter word
        ("Viktar Babryka", "viktar-babaryka"),  # a letter left out
    ],
)
def test_one_typo_keeps_the_person_first(index, query, expected):
    assert first(index, query) == expected


def test_a_sentence_with_no_name_in_it_offers_nobody(index):
    """An admin's or a user's sentence ("Letters day: write to them") is no search: short words
    and one matching word out of many must not offer strangers."""
    assert index.search("Letters day: write to them") == []
    assert index.search("we write to them every week") == []
