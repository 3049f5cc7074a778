"""Mention engine: one test per rule and language (names, facilities, events, summary, API, scan CLI)."""

from __future__ import annotations

import argparse
import io
import json
import threading
from pathlib import Path

import pytest

from bot.cli import scan as cmd_scan
from feeds.mentions import (
    EventType,
    compile_registry,
    document_text,
    name_keys,
    query_matches,
    skeleton,
)
from feeds.mentions.scripts import cyrillic_variants
from feeds.registry.importers import load_registry_file
from feeds.registry.models import Facility, FacilityKind, Gender, Prisoner

REGISTRY = Path(__file__).parent / "data" / "mentions" / "registry.csv"


@pytest.fixture(scope="module")
def engine():
    result = load_registry_file(REGISTRY)
    assert not result.problems
    return compile_registry(result.targets)


def found(engine, text, title=None):
    result = engine.scan(text, title=title)
    return set(result.prisoners), set(result.facilities), {tuple(g) for g in result.ambiguous}


# -- skeleton -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ["Бяляцкі", "Bialiatski", "Białacki", "Bialacki", "Bjaljacki", "Bialatski"],
        ["Беляцкий", "Belyatsky", "Bielacki", "Beliatsky"],
        ["Калеснікава", "Kalesnikava", "Kalesnikawa"],
        ["Ціханоўскі", "Tsikhanouski", "Tsikhanovski"],
        ["Шчыракова", "Shchyrakova", "Ščyrakova", "Szczyrakowa"],
        ["Статкевіч", "Statkevich", "Statkiewicz", "Statkievič", "Statkewitsch"],
        ["Андрэева", "Andreyeva", "Andriejewa"],
        ["Дар'я", "Darya", "Дарʼя"],
        # Polish and Łacinka "ch" is х (a word with cz/sz or their letters says so)
        ["Аўтуховіч", "Autukhovich", "Autuchowicz", "Aŭtuchovič"],
    ],
)
def test_skeleton_unites_scripts(spellings):
    assert len({skeleton(s) for s in spellings}) == 1, {s: skeleton(s) for s in spellings}


def test_yo_is_read_both_ways():
    # ё is often written е; the registry side adds the "io" reading for Latin texts
    assert skeleton("Кастусёў") == skeleton("Кастусеў")
    assert {skeleton("Kastusiou"), skeleton("Kastusiow")} <= cyrillic_variants("Кастусёў")


def test_english_and_german_ch_stay_ch():
    assert skeleton("Statkevich") == skeleton("Статкевіч")
    assert skeleton("Tscharnamorzawa").startswith(skeleton("Чарнаморцава")[0])  # German "rz" is r+z


def test_skeleton_keeps_cyrillic_sh_apart_from_s_h():
    assert skeleton("Схема") != skeleton("Шема")


def test_inline_search_keys_find_the_same_man(engine):
    target = next(p.target for p in engine.people if p.target.id == "ales-bialiacki")
    keys = name_keys(target)
    for query in ["bial", "Бяляц", "беляцк", "Białacki", "Bialiatski", "Ales Bial", "Алесь"]:
        assert query_matches(query, keys), query
    assert not query_matches("Kalesnikava", keys)


# -- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Алеся Бяляцкага этапавалі ў калонію.",  # be genitive
        "Беляцкому снова отказали в свидании, сообщил Алесь Беляцкий.",  # ru
        "Ales Bialiatski was moved to a penal colony.",  # en
        "Aleś Bialacki trafił do kolonii karnej.",  # Łacinka / Polish
        "Aleś Białackiego przewieziono do kolonii.",  # pl genitive
        "Der Menschenrechtler Ales Bjaljazki wurde verlegt.",  # de
        "Правозахисника Алеся Бяляцького етапували до колонії.",  # uk
        "А. Бяляцкі за кратамі з ліпеня 2021 года.",  # initial
        "Бяляцкі Алесь Віктаравіч асуджаны.",  # surname first
    ],
)
def test_full_name_in_any_language_and_case(engine, text):
    assert "ales-bialiacki" in found(engine, text)[0]


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Марыю Калеснікаву наведаў бацька ў калоніі.", "maryja-kalesnikava"),
        ("Marii Kalesnikawej odmówiono widzenia w kolonii.", "maryja-kalesnikava"),
        ("Паўла Севярынца пакаралі ШІЗА.", "pavel-seviarynets"),  # fleeting vowel
        ("Николая Дедка вывезли из колонии.", "mikalaj-dziadok"),
        ("Палатка: Віктара Бабарыку перавялі ў лякарню.", "viktar-babaryka"),
        ("Виктора Бабарико доставили в больницу.", "viktar-babaryka"),  # indeclinable -о
        ("Ирину и Павла Белавуса задержали на границе.", "pavel-belavus"),  # Latin-only entry
        ("Паліну Шарэнда-Панасюк зноў асудзілі.", "palina-sharenda-panasiuk"),  # compound surname
        ("Max: Maksim Znak, skazany na dziesięć lat kolonii.", "maksim-znak"),
    ],
)
def test_inflected_forms(engine, text, target):
    assert target in found(engine, text)[0]


def test_surname_repeated_after_full_name(engine):
    text = "Ихар Лосик. Игорь Лосик объявил голодовку. Лосика поддержали друзья."
    result = engine.scan(text)
    assert [m.text for m in result.mentions if m.target == "ihar-losik"][-1] == "Лосика"


def test_surname_with_prisoner_context(engine):
    assert "ihar-losik" in found(engine, "Палітвязень Лосік абвясціў галадоўку.")[0]


def test_surname_without_context_does_not_fire(engine):
    assert found(engine, "Лосик приготовил ужин для гостей.") == (set(), set(), set())


@pytest.mark.parametrize(
    "text",
    [
        "Святлана Ціханоўская выступіла ў Вільні.",  # wife: feminine form
        "Alina Stefanovich, his wife, spoke to the press about the colony.",  # other first name
        "Rastsislau Stefanovich won the chess final after his trial run.",  # namesake
        "Grandmaster Andrei Aleksandrov won the Minsk Open chess festival.",  # common surname
        "Дорожный знак установили у колонии.",  # common word (lower case)
        "Знак прыпынку перанеслі да турмы.",  # common word, capitalized
        "The Pushkin museum reopened; Alexander Pushkin's poems were read.",
        "Babarykaland is a word, not a name.",  # inside a longer word
    ],
)
def test_not_the_prisoner(engine, text):
    assert found(engine, text)[0] == set(), text


def test_political_prisoner_title_confirms_a_common_word_surname(engine):
    assert "maksim-znak" in found(engine, "Political prisoner Znak has not been heard from.")[0]


def test_shared_surname_is_ambiguous(engine):
    people, _f, ambiguous = found(engine, "Адвокат Бабарыкі паведаміў, што палітвязень у шпіталі.")
    assert people == set()
    assert ambiguous == {("eduard-babaryka", "viktar-babaryka")}


def test_shared_surname_resolved_by_full_mention(engine):
    text = "Эдуарда Бабарыку асудзілі. Бабарыка не прызнаў віны."
    people, _f, ambiguous = found(engine, text)
    assert people == {"eduard-babaryka"} and not ambiguous


def test_fuzzy_vowels_with_exact_first_name(engine):
    text = "Andrej Aleksandrau, białoruski dziennikarz skazany na 14 lat, wyszedł na wolność."
    assert "andrei-aliaksandrau" in found(engine, text)[0]


# -- facilities -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Его этапировали в ИК-9.",
        "Яго перавялі ў калонію №9.",
        "He is held in penal colony No. 9 in Horki.",
        "Przebywa w kolonii karnej nr 9.",
        "Сидит в колонии в Горках.",
        "Яго перавялі ў Горацкую калонію.",  # adjective the registry does not spell
        "Из Горецкой колонии пишут редко.",
        "Letters to the Horki colony do not arrive.",
        "Er sitzt in der Strafkolonie Nr. 9.",
    ],
)
def test_colony_by_number_town_or_adjective(engine, text):
    assert found(engine, text)[1] == {"ik-9-horki"}, text


@pytest.mark.parametrize(
    ("text", "facility"),
    [
        ("Задержанных отвезли на Окрестина.", "akrestsina-minsk"),
        ("He spent a month in Valadarka prison.", "sizo-1-minsk"),
        ("Яго трымаюць у Воўчых норах.", "ik-22-damanava"),
        ("Его перевели в СИЗО КГБ.", "kgb-sizo-minsk"),
        ("Её этапировали в СИЗО-1.", "sizo-1-minsk"),
        ("Пераведзены ў Магілёўскую турму №4.", "prison-4-mahiliou"),
    ],
)
def test_facility_nicknames_and_qualifiers(engine, text, facility):
    assert found(engine, text)[1] == {facility}, text


@pytest.mark.parametrize(
    "text",
    [
        "Горки в парке залили водой.",  # bare town (and a common word)
        "Зимой в Горках красиво.",  # bare town
        "На стадыёне №9 прайшоў матч.",  # bare number
        "Американка Джейн Миллер приехала в Минск.",  # a nickname used as a common noun
        "An American was held in SIZO-1 in St Petersburg, Russian media said.",
        "В ИК-9 в Пермском крае бунт.",  # a Russian colony with the same number
        "A coffee shop opened on Akrestsina Street.",
        "Рака Віцьба ўпадае ў Дзвіну.",  # the village name without prison context
    ],
)
def test_not_a_facility(engine, text):
    assert found(engine, text)[1] == set(), text


# -- events ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("Алеся Бяляцкага этапавалі ў калонію.", EventType.TRANSFER),
        ("Алесь Беляцкий этапирован в колонию.", EventType.TRANSFER),
        ("Aleś Białacki został przewieziony do kolonii.", EventType.TRANSFER),
        ("Ales Bialiatski was transferred to a colony.", EventType.TRANSFER),
        ("Ihar Losik pieraviali ŭ inšuju kałoniju.", EventType.TRANSFER),  # Łacinka
        ("Ігара Лосіка змясцілі ў ШІЗА.", EventType.PUNISHMENT_CELL),
        ("Игорь Лосик объявил голодовку.", EventType.HUNGER_STRIKE),
        ("Ігар Лосік вызвалены.", EventType.RELEASED),
        ("Ihar Losik was sentenced to 15 years.", EventType.SENTENCED),
        ("Ігару Лосіку прад'явілі абвінавачванне па артыкуле 411.", EventType.NEW_CASE),
        ("Ihar Losik was pardoned.", EventType.PARDONED),
        (
            "Ihar Losik was recognized as a political prisoner.",
            EventType.RECOGNIZED_POLITICAL_PRISONER,
        ),
        ("Игоря Лосика внесли в перечень экстремистов.", EventType.LISTED_EXTREMIST),
        ("Igor Losik wurde begnadigt.", EventType.PARDONED),
    ],
)
def test_event_cues(engine, text, event):
    assert event in engine.scan(text).events, text


def test_released_and_deported_is_one_event(engine):
    result = engine.scan("Maksim Znak was freed and taken to Ukraine with other prisoners.")
    assert EventType.RELEASED_EXPELLED in result.events
    assert EventType.RELEASED not in result.events


@pytest.mark.parametrize(
    "text",
    [
        "Ihar Losik refused to ask for a pardon.",
        "Игорь Лосик не был помилован.",
        "Ihar Losik was not released.",
    ],
)
def test_negation(engine, text):
    events = engine.scan(text).events
    assert EventType.PARDONED not in events and EventType.RELEASED not in events


def test_events_carry_to_a_pronoun_sentence(engine):
    result = engine.scan("Ihar Losik is in the colony. He was placed in a punishment cell.")
    assert EventType.PUNISHMENT_CELL in result.mentions[0].events


def test_nothing_happened_means_no_events(engine):
    assert engine.scan("Ihar Losik turned 31 in the colony.").events == ()


def test_location_attaches_facility_to_person(engine):
    result = engine.scan("Ігара Лосіка перавялі ў калонію №9 у Горках.")
    assert result.locations == {"ihar-losik": ("ik-9-horki",)}


# -- offsets, summary, title ----------------------------------------------------------------------


def test_offsets_index_the_document_with_title(engine):
    title, text = "Бяляцкі ў ШІЗА", "Алеся Бяляцкага зноў змясцілі ў ШІЗА калоніі №9."
    result = engine.scan(text, title=title)
    doc = document_text(text, title)
    assert doc == f"{title}\n\n{text}"
    for m in result.mentions:
        assert doc[m.start : m.end] == m.text


def test_summary_marks_spans_and_stays_short(engine):
    text = " ".join(["Пагода была добрая."] * 50) + " Алеся Бяляцкага этапавалі ў калонію №9."
    result = engine.scan(text)
    assert len(result.summary) <= 600
    assert result.summary_spans
    for start, end in result.summary_spans:
        assert result.summary[start:end] in {"Алеся Бяляцкага", "калонію №9"}


def test_summary_ends_a_title_without_punctuation_before_the_next_sentence(engine):
    title = "Бяляцкага этапавалі ў Горкі"
    text = "Алеся Бяляцкага перавялі ў калонію №9. Ліст ад яго прыйшоў праз месяц!"
    result = engine.scan(text, title=title)
    assert result.summary.startswith(f"{title}. Алеся Бяляцкага перавялі")
    assert ".." not in result.summary and "!." not in result.summary
    for start, end in result.summary_spans:  # spans still point at the names
        assert result.summary[start:end] in {"Бяляцкага", "Алеся Бяляцкага", "калонію №9"}


def test_engine_works_with_plain_registry_fields():
    targets = [
        Prisoner(id="p1", name_en="Ales Bialiatski", gender=Gender.MALE),
        Facility(id="f1", kind=FacilityKind.COLONY, number=9, town_en="Horki"),
    ]
    engine = compile_registry(targets)
    result = engine.scan("Алеся Бяляцкага перавялі ў калонію №9 у Горках.")
    assert result.prisoners == ("p1",) and result.facilities == ("f1",)


def test_scan_is_thread_safe(engine):
    texts = [f"Ігар Лосік ({i}) вызвалены з калоніі №9." for i in range(200)]
    expected = [engine.scan(t).to_json() for t in texts]
    results: dict[int, dict] = {}

    def work(start: int) -> None:
        for i in range(start, len(texts), 4):
            results[i] = engine.scan(texts[i]).to_json()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [results[i] for i in range(len(texts))] == expected


# -- scan command ---------------------------------------------------------------------------------


def run_scan(argv, stdin_text, monkeypatch, capsys):
    parser = argparse.ArgumentParser()
    cmd_scan.add_parser(parser.add_subparsers())
    args = parser.parse_args(argv)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin_text))
    code = args.handler(args)
    return code, capsys.readouterr()


def test_scan_jsonl(monkeypatch, capsys):
    lines = [
        json.dumps({"id": 1, "text": "Алеся Бяляцкага этапавалі ў калонію №9 у Горках."}),
        "not json",
        json.dumps({"id": "b", "text": "Nothing here.", "lang": "en"}),
        json.dumps({"id": 4}),
    ]
    code, out = run_scan(
        ["scan", "--registry", str(REGISTRY), "--jsonl"],
        "\n".join(lines) + "\n",
        monkeypatch,
        capsys,
    )
    rows = [json.loads(line) for line in out.out.splitlines()]
    assert code == 1
    assert [r["id"] for r in rows] == [1, None, "b", 4]
    assert rows[0]["prisoners"] == ["ales-bialiacki"]
    assert rows[0]["facilities"] == ["ik-9-horki"]
    assert rows[0]["events"] == ["transfer"]
    m = rows[0]["mentions"][0]
    assert set(m) == {
        "target",
        "start",
        "end",
        "text",
        "events",
        "carried",
        "ambiguous_with",
        "sentence",
    }
    assert "error" in rows[1] and "error" in rows[3]
    assert rows[2]["prisoners"] == [] and rows[2]["events"] == []
    assert set(rows[2]) == {
        "id",
        "prisoners",
        "facilities",
        "ambiguous",
        "events",
        "mentions",
        "summary",
        "summary_spans",
    }


def test_scan_human(monkeypatch, capsys):
    code, out = run_scan(
        ["scan", "--registry", str(REGISTRY)], "Ігар Лосік вызвалены.", monkeypatch, capsys
    )
    assert code == 0
    assert "ihar-losik" in out.out


def test_scan_missing_file_is_a_usage_error(monkeypatch, capsys, tmp_path):
    code, out = run_scan(
        ["scan", "--registry", str(REGISTRY), str(tmp_path / "nope.txt")], "", monkeypatch, capsys
    )
    assert code == 2 and "nope.txt" in out.err


def test_a_surname_that_is_a_first_name_or_two_letters_needs_the_given_name():
    """Database-style records: "Juryi Sjarhei" (the surname is a first name) and "Dzmitry Us"
    (two letters) must not fire on every Сяргей or on "the US"."""
    from feeds.registry.models import Prisoner

    engine = compile_registry(
        [
            Prisoner(id="juryi-sjarhei", name_en="Juryi Sjarhei"),
            Prisoner(id="dzmitry-us", name_en="Dzmitry Us"),
        ]
    )
    assert engine.scan("Палітвязня Сяргея перавялі ў калонію, паведамляе «Вясна».").prisoners == ()
    assert engine.scan("The US embassy said the political prisoner was moved.").prisoners == ()
    assert engine.scan("Юрыя Сяргея перавялі ў калонію.").prisoners == ("juryi-sjarhei",)
    assert engine.scan("Dzmitry Us was moved to a colony.").prisoners == ("dzmitry-us",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Минский областной суд вынес приговор в отношении Колесниковой М. А. и Знака М. В.",
            ("maryja-kalesnikava", "maksim-znak"),
        ),
        ("Алесь Віктаравіч Бяляцкі атрымаў прысуд.", ("ales-bialiacki",)),
        ("Суд над Бяляцкім А. В. працягваецца.", ("ales-bialiacki",)),
    ],
)
def test_court_style_initials_and_patronymics(engine, text, expected):
    assert engine.scan(text).prisoners == expected


def test_english_only_names_in_russian_spelling_need_the_first_name():
    """A registry that has a person in Latin letters only (Viasna's export): the Russian press
    writes Dziadok as Дедок and Tsikhanouski as Тихановский. Such generated forms count only after
    the person's own first name, never as a surname alone."""
    from feeds.registry.models import Prisoner

    engine = compile_registry(
        [
            Prisoner(id="m-d", name_en="Mikalai Dziadok"),
            Prisoner(id="s-t", name_en="Siarhei Tsikhanouski"),
        ]
    )
    assert engine.scan("Николая Дедка перевели в колонию.").prisoners == ("m-d",)
    assert engine.scan("Сергей Тихановский объявил голодовку в колонии.").prisoners == ("s-t",)
    assert engine.scan("Политзаключённый Дедок объявил голодовку.").prisoners == ()
    assert engine.scan("Николай Дедов объявил голодовку в колонии.").prisoners == ()


def test_a_double_surname_in_the_other_languages_vowels_beside_the_given_name():
    """Шарэнда (be) is Шарендо in the Russian press: the first word of a double surname is read
    by its consonants too, beside the person's own given name, never alone."""
    from feeds.registry.models import Prisoner

    engine = compile_registry(
        [Prisoner(id="p-s", name_be="Паліна Шарэнда-Панасюк", name_ru="Полина Шаренда-Панасюк")]
    )
    assert engine.scan("Полина Шарендо-Панасюк вышла на свободу.").prisoners == ("p-s",)
    assert engine.scan("Палину Шарендо-Панасюк задержали в Бресте.").prisoners == ("p-s",)
    assert engine.scan("Шарендо-Панасюк вышла на свободу.").prisoners == ()


@pytest.mark.parametrize(
    ("text", "released"),
    [
        (
            "Several channels wrote that Ales Bialiatski had been freed. "
            "His colleagues say this is not true.",
            False,
        ),
        ("Говорили, что Алеся Беляцкого освободили. Это неправда, заявили в «Весне».", False),
        (
            "Ales Bialiatski was freed on Saturday. Reports of a secret deal are false.",
            True,  # the denial is about something else: it does not point back
        ),
        ("Ales Bialiatski was freed on Saturday. His wife met him at the border.", True),
    ],
)
def test_a_report_the_next_sentence_takes_back_is_no_event(engine, text, released):
    result = engine.scan(text)
    assert ("released" in {str(e) for e in result.events}) is released, text


def test_a_term_added_under_article_411_is_a_sentence_not_a_new_case(engine):
    result = engine.scan(
        "Суд добавил Алесю Беляцкому ещё год по статье 411 за неповиновение администрации."
    )
    events = {str(e) for e in result.events}
    assert "sentenced" in events and "new_case" not in events
    opened = engine.scan("В отношении Алеся Беляцкого возбудили новое дело по статье 411.")
    assert "new_case" in {str(e) for e in opened.events}


@pytest.mark.parametrize(
    ("text", "facility"),
    [
        ("Амерыканцы вывезлі ў Літву 52 вызваленых палітвязняў.", False),  # "Americans"
        ("Палітвязня трымаюць у Амерыканцы.", True),  # "in Amerikanka"
        ("He is held in the KGB jail known as the Amerikanka.", True),
        ("Przebywa w areszcie KGB zwanym Amerykanką.", True),
    ],
)
def test_a_nickname_that_is_a_common_word_needs_to_stand_as_a_place(engine, text, facility):
    assert ("kgb-sizo-minsk" in engine.scan(text).facilities) is facility, text


def test_german_press_writes_z_as_s(engine):
    assert engine.scan("Maxim Snak wurde am Samstag freigelassen.").prisoners == ("maksim-znak",)


def test_a_relatives_release_in_the_next_sentence_is_not_carried(engine):
    text = (
        "Суд приговорил Марию Колесникову к десяти годам колонии. "
        "Её мужа, журналиста Александра Лойко, в субботу освободили."
    )
    assert "released" not in {str(e) for e in engine.scan(text).events}
    own = "Суд приговорил Алеся Беляцкого к десяти годам. Через год его освободили по амнистии."
    assert "released" in {str(e) for e in engine.scan(own).events}
