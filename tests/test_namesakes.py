"""A registry of thousands (Viasna's export): namesakes told apart by what the story says, frequent
surnames that need prison context, court-style names of English-only records, the birth year kept
only to tell people apart and never shown."""

from __future__ import annotations

import pytest

from bot.telegram.render import card
from feeds.mentions import compile_registry
from feeds.mentions.lexicon.common_words import is_common
from feeds.mentions.namesakes import birth_years, term_years
from feeds.registry.models import Facility, FacilityKind, Gender, Prisoner, PrisonerStatus
from feeds.registry.reading import birth_year
from feeds.registry.viasna import prisoner_from_viasna

SHKLOU = Facility(
    id="ik-17", kind=FacilityKind.COLONY, number=17, town_en="Shklou", town_ru="Шклов"
)
HORKI = Facility(id="ik-9", kind=FacilityKind.COLONY, number=9, town_en="Horki", town_ru="Горки")


def _salavei(pid: str, born: int, facility: str, term: str) -> Prisoner:
    return Prisoner(
        id=pid, name_en="Artsiom Salavei", gender=Gender.MALE, born=born, facility_id=facility,
        extra={"sentence": term},
    )  # fmt: skip


@pytest.fixture(scope="module")
def engine():
    return compile_registry(
        [
            _salavei("salavei-1996", 1996, "ik-17", "5 years"),
            _salavei("salavei-1995", 1995, "ik-9", "3 years"),
            Prisoner(id="ivanou", name_en="Aliaksei Ivanou", gender=Gender.MALE),
            Prisoner(id="niadbaila", name_en="Pavel Niadbaila", gender=Gender.MALE),
            SHKLOU,
            HORKI,
        ]
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Артёма Соловья, 1996 года рождения, снова отправили в ШИЗО.", ("salavei-1996",)),
        ("Artsiom Salavei (born in 1995) was put in a punishment cell.", ("salavei-1995",)),
        ("Артёма Соловья из шкловской колонии снова отправили в ШИЗО.", ("salavei-1996",)),
        ("Артёма Соловья, осуждённого на три года, снова отправили в ШИЗО.", ("salavei-1995",)),
    ],
)
def test_a_namesake_is_told_apart_by_year_prison_or_term(engine, text, expected):
    result = engine.scan(text)
    assert result.prisoners == expected and result.ambiguous == ()


def test_namesakes_with_nothing_to_tell_them_apart_stay_ambiguous(engine):
    result = engine.scan("Артёма Соловья снова отправили в ШИЗО.")
    assert result.prisoners == ()
    assert result.ambiguous == (("salavei-1995", "salavei-1996"),)


def test_a_clue_that_fits_neither_says_nothing(engine):
    result = engine.scan("Артёма Соловья, 1990 года рождения, снова отправили в ШИЗО.")
    assert result.ambiguous == (("salavei-1995", "salavei-1996"),)


def test_clues_are_read_in_every_language():
    assert birth_years("Urodzony w 1990 r. działacz dostał osiem lat.") == {1990}
    assert birth_years("Миронов Александр Сергеевич, 1989 г.р., — 2 года колонии") == {1989}
    assert birth_years("Ему 25 лет, его задержали в 2021 году.") == set()
    assert term_years("Er wurde zu vier Jahren verurteilt.") == {4}
    assert term_years("Яму прысудзілі восем гадоў калоніі.") == {8}


def test_a_frequent_surname_needs_prison_context_even_with_its_given_name(engine):
    assert is_common("Иванов") and is_common("Ivanou") and not is_common("Bialiatski")
    football = "Полузащитник Алексей Иванов подписал контракт с «Ростовом» до лета."
    assert engine.scan(football).prisoners == ()
    arrest = "Задержан Иванов Алексей Владимирович: ему предъявлено обвинение, он в СИЗО."
    assert engine.scan(arrest).prisoners == ("ivanou",)


def test_court_style_name_of_an_english_only_record(engine):
    text = "Недбайло Павел Иванович, осуждённый на восемь лет, объявил голодовку в колонии."
    assert engine.scan(text).prisoners == ("niadbaila",)
    assert engine.scan("Недбайло объявил голодовку в колонии.").prisoners == ()


def test_the_birth_year_is_kept_only_as_a_year_and_never_shown():
    record = {
        "url": "https://prisoners.spring96.org/en/person/arciom-salavei",
        "name": "Artsiom Salavei",
        "status": "active",
        "birthday": "1996-05-17",
        "description": "anarchist",
    }
    prisoner = prisoner_from_viasna(record)
    assert prisoner.born == 1996
    assert "1996" not in prisoner.model_dump_json().replace('"born":1996', "")
    for lang in ("be", "ru", "en"):
        assert "1996" not in card(prisoner, lang)
    assert birth_year("17.05.1996") is None and birth_year("2099-01-01") is None


def test_a_full_name_set_in_russia_with_no_prison_in_the_story_is_a_namesake():
    engine = compile_registry(
        [Prisoner(id="mk", name_en="Maryja Kalesnikava", gender=Gender.FEMALE)]
    )
    biologist = "Биолог Мария Колесникова из Новосибирска получила премию Российской академии наук."
    assert engine.scan(biologist).prisoners == ()
    prisoner = "Марию Колесникову перевели в колонию, сообщают правозащитники из России."
    assert engine.scan(prisoner).prisoners == ("mk",)


def test_two_given_names_share_the_surname_after_them():
    engine = compile_registry(
        [
            Prisoner(id="a-zh", name_en="Andrei Zhuk", gender=Gender.MALE),
            Prisoner(id="m-zh", name_en="Maryia Zhuk", gender=Gender.FEMALE),
            Prisoner(id="d-zh", name_en="Dzianis Zhuk", gender=Gender.MALE),
        ]
    )
    text = "В Минске задержаны супруги Андрей и Мария Жук, их поместили в СИЗО."
    assert set(engine.scan(text).prisoners) == {"a-zh", "m-zh"}
    assert engine.scan("Андрей, Мария Жук и другие задержаны, их поместили в СИЗО.").prisoners == (
        "m-zh",
    )


def test_a_story_means_one_person_by_one_name(engine):
    """The first mention says nothing that tells the two apart; a later one does (the term)."""
    text = (
        "Артёма Соловья снова отправили в ШИЗО. "
        "Артём Соловей, осуждённый на пять лет, сидит в колонии с 2022 года."
    )
    result = engine.scan(text)
    assert result.prisoners == ("salavei-1996",) and result.ambiguous == ()


def test_clues_about_someone_else_in_the_story_tell_nothing(engine):
    text = (
        "Артём Соловей просит писем. Его сокамерник Павел Недбайло, осуждённый на три года, в ШИЗО."
    )
    assert engine.scan(text).ambiguous == (("salavei-1995", "salavei-1996"),)


def test_given_names_joined_by_and_share_a_surname_spelt_another_way():
    engine = compile_registry(
        [
            Prisoner(id="d-v", name_en="Dzianis Varabei", gender=Gender.MALE),
            Prisoner(id="i-v", name_en="Ivan Varabei", gender=Gender.MALE),
        ]
    )
    text = "Братья Денис и Иван Воробей вышли на свободу из колонии."
    assert set(engine.scan(text).prisoners) == {"d-v", "i-v"}


def test_a_public_form_of_a_first_name_is_a_rival_first_name():
    engine = compile_registry([Prisoner(id="v-k", name_en="Viktar Kalinouski", gender=Gender.MALE)])
    text = "Полк имени Кастуся Калиновского признали террористическим, его бойцов судят."
    assert engine.scan(text).prisoners == () and engine.scan(text).ambiguous == ()


def test_a_full_name_set_in_russia_in_a_story_that_names_no_place_in_belarus_is_a_namesake():
    engine = compile_registry([Prisoner(id="dp", name_en="Dzmitry Papou", gender=Gender.MALE)])
    russian = "Жителя Воронежа Дмитрия Попова приговорили к шести годам колонии за поджог."
    assert engine.scan(russian).prisoners == ()
    ours = "Дмитрия Попова, задержанного в Смоленске, выдали Беларуси и поместили в СИЗО в Минске."
    assert engine.scan(ours).prisoners == ("dp",)
    # the capitals too: a Moscow court's sentence, with nothing of Belarus in the story
    moscow = "Мещанский суд Москвы приговорил Дмитрия Попова к шести годам колонии за посты."
    assert engine.scan(moscow).prisoners == ()
    detained = "Дмитрия Попова задержали в Москве и этапировали в СИЗО КГБ в Минске."
    assert engine.scan(detained).prisoners == ("dp",)


def test_what_a_namesake_does_tells_them_apart():
    engine = compile_registry(
        [
            Prisoner(id="ap-w", name_en="Andrei Pazniak", description="worker", gender=Gender.MALE),
            Prisoner(
                id="ap-p",
                name_en="Andrei Pazniak",
                description="programmer, sentenced to 3 years of restricted freedom",
                gender=Gender.MALE,
            ),
        ]
    )
    text = (
        "W Mińsku rozpoczął się proces zaoczny programisty Andreja Paźniaka, skazanego na „chemię”."
    )
    result = engine.scan(text)
    assert result.prisoners == ("ap-p",) and result.ambiguous == ()
    plain = engine.scan("Андрея Позняка снова отправили в ШИЗО.")
    assert plain.ambiguous == (("ap-p", "ap-w"),)


def _batura(pid: str, born: int) -> Prisoner:
    return Prisoner(id=pid, name_en="Siarhei Batura", gender=Gender.MALE, born=born)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("48-летнего Сергея Батуру водворили в ШИЗО.", ("batura-1974",)),
        ("21-летнего Сергея Батуру водворили в ШИЗО.", ("batura-2001",)),
        ("Siarhei Batura, aged 22, was put in a punishment cell.", ("batura-2001",)),
    ],
)
def test_an_age_tells_namesakes_apart_whatever_year_the_story_is_from(text, expected):
    engine = compile_registry([_batura("batura-1974", 1974), _batura("batura-2001", 2001)])
    result = engine.scan(text)
    assert result.prisoners == expected and result.ambiguous == ()


def test_an_age_that_fits_both_leaves_them_ambiguous():
    engine = compile_registry([_batura("batura-1974", 1974), _batura("batura-1975", 1975)])
    result = engine.scan("48-летнего Сергея Батуру водворили в ШИЗО.")
    assert result.ambiguous == (("batura-1974", "batura-1975"),)


def test_a_bare_surname_of_many_records_is_told_to_nobody():
    many = [
        Prisoner(id=f"karatkevich-{n}", name_en=f"{given} Karatkevich", gender=Gender.MALE)
        for n, given in enumerate(["Dzmitry", "Viachaslau", "Yury"])
    ]
    engine = compile_registry(many)
    text = "Палітвязень Караткевіч у калоніі. Караткевіча перавялі ў ШІЗА."
    assert engine.scan(text).ambiguous == ()
    two = compile_registry(many[:2])
    assert two.scan(text).ambiguous == (("karatkevich-0", "karatkevich-1"),)


def test_a_fuzzy_surname_keeps_its_opening_vowel():
    """Consonants agree (s-n-k) but "Isaenka" opens with a vowel and "Сянько" does not."""
    engine = compile_registry(
        [Prisoner(id="isaenka", name_en="Mikalai Isaenka", gender=Gender.MALE)]
    )
    assert engine.scan("Николая Сянько задержали в Минске.").prisoners == ()
    assert engine.scan("Николая Исаенко задержали в Минске.").prisoners == ("isaenka",)


def _krasouski(pid: str, description: str, articles: str, sentence: str = "") -> Prisoner:
    extra = {"articles": articles} | ({"sentence": sentence} if sentence else {})
    return Prisoner(
        id=pid, name_en="Siarhei Krasouski", gender=Gender.MALE, description=description,
        extra=extra,
    )  # fmt: skip


@pytest.fixture(scope="module")
def krasouski():
    return compile_registry(
        [
            _krasouski(
                "krasouski-339", "entrepreneur, served full term, released", "339", "2 years"
            ),
            _krasouski("krasouski-342", "sentenced to 1 1/2 years", "342", "1 1/2 years"),
        ]
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the criminal code's article
        ("Сергея Красовского осудили по части 2 статьи 339.", ("krasouski-339",)),
        ("Siarhei Krasouski was convicted under Art. 342.", ("krasouski-342",)),
        # the term, "1 1/2 years" being one year and a half, not two
        ("Сергей Красовский вышел на свободу, отбыв полтора года.", ("krasouski-342",)),
        ("Сергей Красовский вышел на свободу, отбыв два года.", ("krasouski-339",)),
        # an occupation the description gives in English
        ("Предприниматель Сергей Красовский вышел на свободу.", ("krasouski-339",)),
    ],
)
def test_namesakes_told_apart_by_article_term_and_occupation(krasouski, text, expected):
    result = krasouski.scan(text)
    assert result.prisoners == expected and result.ambiguous == ()


def test_the_export_import_keeps_the_article_numbers():
    record = {
        "id": 557, "url": "https://prisoners.spring96.org/en/person/sjarhei-krasouski",
        "name": "Siarhei Krasouski", "status": "former",
        "articles/0": "Part 2 of Art. 339 of the Criminal Code — Hooliganism",
        "articles/1": "Art. 342 of the Criminal Code — Organization of actions",
    }  # fmt: skip
    assert prisoner_from_viasna(record).extra["articles"] == "339 342"
    del record["articles/0"], record["articles/1"]
    assert "articles" not in prisoner_from_viasna(record).extra


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a given name in -аў takes its v back ("Станіслаў" -> "Станіславу")
        ("Станіславу Лабковічу дазволілі спатканне.", ("labkovich",)),
        # a fleeting e: "Салавей" -> "Салаўю", "Соловей" -> "Соловья"
        ("Арцёму Салаўю дазволілі тэлефанаваць маці з калоніі.", ("salavei-1996",)),
        ("Артёма Соловья, 1996 года рождения, перевели в ШИЗО.", ("salavei-1996",)),
    ],
)
def test_case_forms_of_names_generated_from_english(text, expected):
    engine = compile_registry(
        [
            _salavei("salavei-1996", 1996, "ik-17", "5 years"),
            Prisoner(id="labkovich", name_en="Stanislau Labkovich", gender=Gender.MALE),
        ]
    )
    result = engine.scan(text)
    assert result.prisoners == expected


def test_the_open_facility_is_prison_context():
    engine = compile_registry(
        [Prisoner(id="andreyeu", name_en="Andrei Andreyeu", gender=Gender.MALE)]
    )
    assert engine.scan("Андрэй Андрэеў атрымаў дазвол.").prisoners == ()
    told = "Андрэю Андрэеву, якому далі паўтара года «хіміі», дазволілі выезд з ВУАТ № 55."
    assert engine.scan(told).prisoners == ("andreyeu",)


def test_an_age_by_the_name_that_does_not_fit_the_record_is_someone_else():
    engine = compile_registry(
        [Prisoner(id="malets", name_en="Natallia Malets", gender=Gender.FEMALE, born=1985)]
    )
    other = "В Слониме 62-летнюю Наталью Малец приговорили к полутора годам ограничения свободы."
    assert engine.scan(other).prisoners == ()
    her = "В Слониме 38-летнюю Наталью Малец приговорили к полутора годам ограничения свободы."
    assert engine.scan(her).prisoners == ("malets",)


def test_an_age_told_in_a_relative_clause_and_a_directors_post_tell_namesakes_apart():
    engine = compile_registry(
        [
            Prisoner(id="alsheuski-84", name_en="Siarhei Alsheuski", gender=Gender.MALE, born=1984),
            Prisoner(
                id="alsheuski-parent", name_en="Siarhei Alsheuski", gender=Gender.MALE,
                description="multi-child parent, sentenced to 2 years in jail",
            ),
        ]
    )  # fmt: skip
    aged = "Сергей Ольшевский, которому 36 лет, вышел из СИЗО."
    assert engine.scan(aged).prisoners == ("alsheuski-84",)
    parent = "Многодетного отца Сергея Ольшевского осудили на два года колонии."
    assert engine.scan(parent).prisoners == ("alsheuski-parent",)


def test_the_sentences_after_a_name_that_name_nobody_tell_namesakes_apart(krasouski):
    text = (
        "Сергей Красовский — о пятнадцати месяцах за решёткой. 7 января он вышел на свободу, "
        "полностью отбыв полтора года."
    )
    result = krasouski.scan(text)
    assert result.prisoners == ("krasouski-342",) and result.ambiguous == ()
    # three sentences on, the clue is too far to be about them
    far = (
        "Сергей Красовский — о пятнадцати месяцах за решёткой. Он много читал. Он работал. "
        "7 января он вышел на свободу, полностью отбыв полтора года."
    )
    assert krasouski.scan(far).prisoners == ()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # set in a town of Ukraine or Poland by a story naming no town of Belarus: someone else
        ("Олександра Жука, засудженого в Харкові за держзраду, етапували до колонії.", False),
        ("Sąd Rejonowy w Białymstoku skazał 41-letniego Białorusina Aleksandra Żuka.", False),
        # a town of Belarus in the story: ours
        ("Аляксандра Жука з Гомеля, якога судзілі ў Харкаўскай справе, перавялі ў калонію.", True),
        # the border crossings and capitals where the freed are taken are no such towns
        ("Więźnia politycznego Aleksandra Żuka przekazano w Terespolu stronie polskiej.", True),
    ],
)
def test_a_full_name_set_in_a_town_abroad_is_a_namesake(text, found):
    engine = compile_registry([Prisoner(id="zhuk", name_en="Aliaksandr Zhuk", gender=Gender.MALE)])
    assert (engine.scan(text).prisoners == ("zhuk",)) is found


def test_no_town_abroad_is_a_first_name_or_the_patronymic_made_from_one():
    """The abroad gazetteer is read on folded text at a word start: a stem a name or patronymic
    shares ("николаев" of Николаевич) would set every Mikalai's son abroad."""
    from feeds.mentions import lexicon
    from feeds.mentions.cues import ABROAD
    from feeds.mentions.scripts import fold

    names = {w for line in lexicon.FIRST_NAME_GROUPS.splitlines() for w in line.split()}
    cyrillic = [n for n in names if any("а" <= c.lower() <= "я" for c in n)]
    patronymics = [
        n.rstrip("йь") + end for n in cyrillic for end in ("евич", "авіч", "ович", "івна")
    ]
    hits = [w for w in (*names, *patronymics) if ABROAD.match(fold(w))]
    assert hits == []


def test_a_given_name_no_lexicon_knows_is_read_as_one_from_the_registry():
    """ "Ema" is in no lexicon of first names; beside a surname spelt the Belarusian way (ё for
    the English "io") it is still the person's given name."""
    engine = compile_registry([Prisoner(id="es", name_en="Ema Stsepulionak", gender=Gender.FEMALE)])
    assert engine.scan("Эма Сцепулёнак адбывае тэрмін у калоніі.").prisoners == ("es",)
    assert engine.scan("Сцепулёнак адбывае тэрмін у калоніі.").prisoners == ()


def test_a_full_name_before_a_court_of_kyiv_or_warsaw_is_a_namesake_there():
    """Freed prisoners live in Kyiv, Vilnius and Warsaw, so the capitals alone say nothing; but a
    court of one of them trying a full name, in a story naming nothing of Belarus, is theirs."""
    engine = compile_registry([Prisoner(id="sv", name_en="Siarhei Volkau", gender=Gender.MALE)])
    court = "Шевченківський районний суд Києва засудив Сергія Волкова до 12 років ув'язнення."
    assert engine.scan(court).prisoners == ()
    lives = "Сергій Волков, якого звільнили з білоруської колонії, живе в Києві."
    assert engine.scan(lives).prisoners == ("sv",)


def test_court_style_initials_beside_a_surname_spelt_the_russian_way():
    """ "Захаренко С. Н." and "С. Н. Захаренко" for Siarhei Zakharanka (English only): the
    surname's consonants and the first initial; the patronymic's initial says nothing."""
    engine = compile_registry([Prisoner(id="sz", name_en="Siarhei Zakharanka", gender=Gender.MALE)])
    for text in (
        "Суд вынес приговор Захаренко С. Н., 1980 года рождения.",
        "Суд вынес приговор С. Н. Захаренко.",
    ):
        assert engine.scan(text).prisoners == ("sz",), text
    for text in ("Суд вынес приговор Захаренко А. Н.", "Захаренко С. пришёл на суд."):
        assert engine.scan(text).prisoners == (), text


def test_ukrainian_forms_of_given_names_name_the_person():
    engine = compile_registry(
        [
            Prisoner(id="tk", name_en="Tatsiana Kolas", gender=Gender.FEMALE),
            Prisoner(id="ek", name_en="Yauhen Kalinouski", gender=Gender.MALE),
        ]
    )
    assert engine.scan("Тетяну Колас етапували до колонії.").prisoners == ("tk",)
    assert engine.scan("Євгена Калиновського кинули до ШІЗО колонії.").prisoners == ("ek",)


def test_takes_place_is_not_serving_a_term():
    """Belarusian "адбываецца" (takes place) is no prison context for a bare surname that is a
    word ("Нешта", something); "адбывае тэрмін" (serves a term) is."""
    engine = compile_registry([Prisoner(id="dn", name_en="Dzmitryi Neshta", gender=Gender.MALE)])
    assert engine.scan("Нешта дзіўнае адбываецца з надвор'ем у студзені.").prisoners == ()
    assert engine.scan("Дзмітрый Нешта адбывае тэрмін у калоніі.").prisoners == ("dn",)


def test_no_town_abroad_begins_a_surname_of_viasnas_export():
    """A town abroad sets a full name there (a namesake), so its stem must begin no surname of
    the list: "Луцк" would have put Ksenia Lutskina abroad."""
    import json
    import re

    from feeds.mentions.cues import ABROAD
    from feeds.mentions.scripts import fold
    from tests.shared_data import shared_path

    export = json.loads(shared_path("data/viasna-prisoners-en-2023.json").read_text("utf-8"))
    surnames = {fold(r["name"].split()[-1]) for r in export if r.get("name")}
    caught = sorted(s for s in surnames if re.match(r"[\w-]+$", s) and ABROAD.match(s))
    assert caught == []


def test_a_short_equivalent_of_a_given_name_is_not_inflected_into_another_name():
    # Ivan's equivalents include "Ян" ("an"); inflected, that would be "Анну", "Анны"
    engine = compile_registry([Prisoner(id="i-m", name_en="Ivan Marozau", gender=Gender.MALE)])
    text = "Суд в колонии приговорил Мороз Анну Викторовну к четырём годам."
    assert "i-m" not in engine.scan(text).prisoners
    assert "i-m" in engine.scan("Суд в колонии приговорил Ивана Мороза к четырём годам.").prisoners


def test_a_given_name_that_is_also_someone_s_surname_still_names_another_person():
    # "Глеб" is Artsiom Hleb's surname; before "Тарасенков" it is a given name, not Maryia's
    engine = compile_registry(
        [
            Prisoner(id="m-t", name_en="Maryia Tarasenka", gender=Gender.FEMALE),
            Prisoner(id="a-h", name_en="Artsiom Hleb", gender=Gender.MALE),
        ]
    )
    text = (
        "В исправительной колонии осуждённый Глеб Тарасенков объявил голодовку. "
        "Тарасенков отбывает шесть лет за мошенничество."
    )
    assert "m-t" not in engine.scan(text).prisoners


@pytest.mark.parametrize(
    ("name_en", "text"),
    [
        # German spellings of English-only records: з "s", ж "sch", ц "z", х "ch"
        ("Mikalai Kazlou", "Mikalaj Kaslou wurde in das Gefängnis Nr. 4 in Mogiljow verlegt."),
        ("Feliks Zhylinski", "Feliks Schylinski ist nach vier Jahren in der Strafkolonie frei."),
        ("Liudmila Kuznyatsova", "Ljudmila Kusnjazowa, zu einem Jahr Haft verurteilt, kam frei."),
    ],
)
def test_an_english_only_name_is_found_as_the_german_press_spells_it(name_en, text):
    gender = Gender.FEMALE if name_en.endswith("a") else Gender.MALE
    engine = compile_registry([Prisoner(id="p", name_en=name_en, gender=gender)])
    assert "p" in engine.scan(text).prisoners


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the judge or the prosecutor named right before: the official, not the prisoner
        ("Дело рассматривал судья Павел Недбайло, приговор — пять лет колонии.", ()),
        ("Sędzia Paweł Niedbajło skazał opozycjonistę na pięć lat kolonii.", ()),
        ("Prosecutor Pavel Niadbaila asked for six years in a penal colony.", ()),
        (
            "Справу разглядала суддзя; Паўла Нядбайлу асудзілі на пяць гадоў калоніі.",
            ("niadbaila",),
        ),
        # the defendant the prosecutor asked a term for is the prisoner
        ("Прокурор запросил для Павла Недбайло шесть лет колонии.", ("niadbaila",)),
        # the state prosecutor at a trial
        ("Государственный обвинитель Павел Недбайло попросил восемь лет колонии.", ()),
        # ... but a guilty verdict is no prosecutor
        ("Суд вынес обвинительный приговор Павлу Недбайло: пять лет колонии.", ("niadbaila",)),
    ],
)
def test_a_judge_or_prosecutor_who_shares_a_listed_name_is_not_the_prisoner(engine, text, expected):
    assert engine.scan(text).prisoners == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a town abroad in the name's sentence, and Belarus nowhere in the story: a namesake there
        ("Gelsenkirchen councillor Pavel Niadbaila was detained at a protest.", ()),
        ("В Караганде задержали заместителя акима Павла Недбайло.", ()),
        # no town: the listed man
        ("Councillor Pavel Niadbaila was detained at a protest.", ("niadbaila",)),
        # the story speaks of Belarus too: the town abroad may be where his family lives
        (
            "Pavel Niadbaila, whose daughter lives in Gelsenkirchen, was moved to the Shklou colony.",
            ("niadbaila",),
        ),
        (
            "Pavel Niadbaila, born in Karaganda and raised in Orsha, was sentenced to three years.",
            ("niadbaila",),
        ),
    ],
)
def test_a_name_set_in_a_town_abroad_by_a_story_without_belarus_is_a_namesake(
    engine, text, expected
):
    assert engine.scan(text).prisoners == expected


def test_the_gazetteer_reads_capitalised_towns_not_words_or_the_names_found():
    from feeds.mentions.lexicon.foreign_towns import home_in, towns_in

    assert towns_in("Der Gelsenkirchener Ratsherr will mehr Geld.") == ["gelsenkirchener"]
    assert towns_in("Его задержали в Караганде.") == ["караганде"]
    assert towns_in("Его задержали в караганде.") == []  # not capitalised: not read as a town
    assert towns_in("Ales Pushkin painted it.", besides={"pushkin"}) == []  # the name found
    assert towns_in("Ales Pushkin painted it.") == ["pushkin"]
    assert towns_in("He was freed and lives in Vilnius now.") == []  # an exile's town
    assert home_in("He is held in the colony in Orsha.")
    assert not home_in("Aliaksei Ivanou is held.", besides={"ivanou"})
    # a German noun that some town abroad is also called is the noun ("Türen": Turin)
    assert towns_in("Der Prozess hat hinter verschlossenen Türen begonnen.") == []
    # a short name kept whole, and the Polish press's w for v
    assert towns_in("В Орске Оренбургской области") == ["орске"]
    assert towns_in("Sąd w Pskowie skazał blogera.") == ["pskowie"]


def test_polands_local_government_sets_a_name_abroad(engine):
    text = "Войт гміны Нараў на Падляшшы Павел Недбайла падпісаў зварот за вызваленне палітвязняў."
    assert engine.scan(text).prisoners == ()
    text = "Павел Недбайла падпісаў зварот за вызваленне палітвязняў."
    assert engine.scan(text).prisoners == ("niadbaila",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # moved abroad and lives an ordinary life there, in a story that never speaks of prison
        ("Павел Недбайло переехал в Варшаву в 2020 году и открыл там кофейню.", ()),
        ("Pavel Niadbaila moved to Tbilisi and runs a hostel in the old town.", ()),
        # the same move in a story about prison: the listed man, freed and expelled
        (
            "Pavel Niadbaila, freed from the Shklou colony, moved to Warsaw last month.",
            ("niadbaila",),
        ),
    ],
)
def test_an_emigre_in_a_story_without_prison_is_a_namesake(engine, text, expected):
    assert engine.scan(text).prisoners == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a record the registry names in Latin letters only (an import of thousands), named in a
        # story that never speaks of prison: a teacher, a farm's chairman, a doctor who share it
        ("Павел Недбайла, настаўнік хіміі з Ліды, перамог у конкурсе «Настаўнік года».", ()),
        ("Pavel Niadbaila, a doctor, headed the district hospital for thirty years.", ()),
        # the same name in a story about prison, a freeing asked for or a prison visit
        ("Павел Недбайла, настаўнік з Ліды, застаецца ў калоніі.", ("niadbaila",)),
        ("Die EU rief Minsk auf, Pavel Niadbaila freizulassen.", ("niadbaila",)),
        ("Paŭłu Niadbajłu dazvolili doŭhaje spatkańnie z žonkaj.", ("niadbaila",)),
    ],
)
def test_an_imported_name_needs_a_story_that_speaks_of_prison(engine, text, expected):
    assert engine.scan(text).prisoners == expected


def test_a_name_given_in_cyrillic_by_the_registry_needs_no_prison_word():
    engine = compile_registry(
        [Prisoner(id="b", name_en="Viktar Babaryka", name_ru="Виктор Бабарико", gender=Gender.MALE)]
    )
    assert engine.scan("Виктора Бабарико доставили в больницу.").prisoners == ("b",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an ordinary crime, and no word of politics in the story: a namesake's criminal case
        ("В СИЗО-1 заключён под стражу Павел Недбайло, его подозревают в мошенничестве.", ()),
        ("Das Landgericht verurteilte Pavel Niadbaila wegen Betrugs zu drei Jahren Haft.", ()),
        # the same charge in a story about politics (fabricated, or beside the political one)
        (
            "Павла Недбайло, задержанного после протестов, обвинили ещё и в мошенничестве.",
            ("niadbaila",),
        ),
    ],
)
def test_an_ordinary_crime_without_politics_is_a_namesakes_case(engine, text, expected):
    assert engine.scan(text).prisoners == expected


def test_a_record_charged_with_that_crime_may_be_named_in_such_a_story():
    engine = compile_registry(
        [Prisoner(id="f", name_en="Pavel Niadbaila", gender=Gender.MALE, extra={"articles": "209"})]
    )
    text = "В СИЗО-1 заключён под стражу Павел Недбайло, его подозревают в мошенничестве."
    assert engine.scan(text).prisoners == ("f",)


@pytest.mark.parametrize(
    "text",
    [
        "Как сообщил прокурор района Павел Недбайло, дело о хищениях направлено в суд.",
        "В Лиде задержан инспектор ГАИ Павел Недбайло: его подозревают во взятке.",
    ],
)
def test_an_official_named_with_the_office_between_is_not_the_prisoner(engine, text):
    assert engine.scan(text).prisoners == ()


def test_a_surname_that_is_a_town_of_belarus_needs_the_given_name():
    engine = compile_registry(
        [Prisoner(id="s", name_en="Siarhei Baranovich", gender=Gender.MALE), SHKLOU]
    )
    assert engine.scan("Его этапировали из СИЗО в Барановичи, в колонию.").prisoners == ()
    assert engine.scan("Сергея Барановича этапировали в колонию.").prisoners == ("s",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the record holds him in custody; the story has him living abroad, freed by nobody
        (
            "Pavel Niadbaila has lived in Prague since 2019 and signs every petition for "
            "political prisoners.",
            (),
        ),
        # freed and expelled, then living abroad: the listed man
        (
            "Pavel Niadbaila, freed from the colony and expelled, now lives in Prague.",
            ("niadbaila",),
        ),
    ],
)
def test_one_held_by_the_record_who_lives_abroad_is_a_namesake(text, expected):
    held = Prisoner(
        id="niadbaila", name_en="Pavel Niadbaila", gender=Gender.MALE,
        status=PrisonerStatus.IN_CUSTODY,
    )  # fmt: skip
    assert compile_registry([held]).scan(text).prisoners == expected


def test_one_held_by_the_record_who_was_fined_is_a_namesake():
    held = Prisoner(
        id="k", name_en="Volha Kavaliova", gender=Gender.FEMALE, status=PrisonerStatus.IN_CUSTODY
    )
    engine = compile_registry([held])
    text = "Суд оштрафовал Ольгу Ковалёву на 3200 рублей за надпись на остановке."
    assert engine.scan(text).prisoners == ()
    # a fine beside the term is no fine instead of it
    text = "Ольгу Ковалёву осудили на три года колонии со штрафом."
    assert engine.scan(text).prisoners == ("k",)


def test_an_age_in_commas_after_the_name_tells_namesakes_apart():
    engine = compile_registry(
        [
            Prisoner(id="b1974", name_en="Siarhei Batura", gender=Gender.MALE, born=1974),
            Prisoner(id="b2001", name_en="Siarhei Batura", gender=Gender.MALE, born=2001),
        ]
    )
    text = "Сергею Батуре, 49 лет, осуждённому на два года, разрешили свидание с женой в колонии."
    assert engine.scan(text).prisoners == ("b1974",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("осуждён за «оскорбление президента»", {"368"}),
        ("za abrazu prezidenta i raspalvannie varožasci", {"368", "130"}),
        ("for insulting a government official", {"369"}),
        ("wegen Beleidigung des Präsidenten", {"368"}),
        ("по части 2 статьи 339", {"339"}),
        ("за надпіс на сцяне пад'езда", set()),
    ],
)
def test_an_article_is_read_by_its_number_or_the_crimes_name(text, expected):
    from feeds.mentions.namesakes import articles

    assert articles(text) == expected


def test_the_crime_named_tells_namesakes_apart():
    engine = compile_registry(
        [
            Prisoner(id="a368", name_en="Siarhei Batura", gender=Gender.MALE,
                     extra={"articles": "368"}),
            Prisoner(id="a342", name_en="Siarhei Batura", gender=Gender.MALE,
                     extra={"articles": "342"}),
        ]
    )  # fmt: skip
    text = "Сергея Батуру, осуждённого за «оскорбление президента», перевели в другую колонию."
    assert engine.scan(text).prisoners == ("a368",)


def test_a_surname_with_a_fleeting_vowel_is_its_bearer_not_a_lookalike():
    """ "Сергея Саковца" is Siarhei Sakavets by his own spelling (the e of -ец drops out, the v
    before it reads as ў), not Siarhei Skok, whose consonants a fuzzy reading might find."""
    registry = compile_registry(
        [
            Prisoner(id="sakavets", name_en="Siarhei Sakavets", gender=Gender.MALE),
            Prisoner(id="skok", name_en="Siarhei Skok", gender=Gender.MALE),
        ]
    )
    for text in (
        "Политзаключённого Сергея Саковца снова водворили в ШИЗО.",
        "Палітвязня Сяргея Сакаўца зноў змясцілі ў ШІЗА.",
    ):
        result = registry.scan(text)
        assert "sakavets" in result.prisoners or any("sakavets" in g for g in result.ambiguous), (
            text
        )
    assert registry.scan("Политзаключённого Сергея Скока снова водворили в ШИЗО.").prisoners == (
        "skok",
    )
