"""Facilities by every name a reporter uses, in every language, and never a place that is not ours.

Run against Vestka's bundled registry (all 38 facilities). Each passage is written for this test.
"""

from __future__ import annotations

import pytest

from feeds.mentions import compile_registry
from feeds.registry.bundled import bundled_targets


@pytest.fixture(scope="module")
def engine():
    return compile_registry(bundled_targets())


@pytest.mark.parametrize(
    ("text", "facility"),
    [
        # official titles, and the compound kind phrase that is one kind
        (
            "The export lists Pre-trial detention center No. 1 as his place of detention.",
            "sizo-1-minsk",
        ),
        ("He was held in Pre-trial detention center No. 1 in Minsk.", "sizo-1-minsk"),
        ("Его этапировали в исправительное учреждение № 9 в Горках.", "ik-9-horki"),
        # kind + town in the locative and genitive, Polish, Ukrainian, German, English
        ("Od roku przebywa w kolonii karnej w Witebsku.", "ik-3-vicba"),
        ("Trafił do więzienia śledczego w Żodzinie.", "sizo-8-zodzina"),
        ("Przebywa w areszcie śledczym nr 1 w Mińsku.", "sizo-1-minsk"),
        ("Przewieziono ją do kolonii karnej dla kobiet w Homlu.", "ik-4-homiel-women"),
        ("Його перевели в колонію в Глибокому.", "ik-13-hlybokaje"),
        ("Вона пів року провела в гомельському слідчому ізоляторі.", "sizo-3-homiel"),
        ("She is held in the Homel women's correctional facility.", "ik-4-homiel-women"),
        ("He is in Detention Center No. 1 in Hrodna.", "prison-1-hrodna"),
        ("Poczobut remains in the Grodno remand prison.", "prison-1-hrodna"),
        (
            "Briefe an das Frauenstraflager Nr. 4 in Gomel bleiben unbeantwortet.",
            "ik-4-homiel-women",
        ),
        ("Er wurde über das Transitgefängnis in Baranowitschi gebracht.", "sizo-6-baranavicy"),
        ("Sie kam in die offene Besserungsanstalt Nr. 17 in Gomel.", "iuot-17-homiel"),
        ("Яго перавялі ў папраўчую ўстанову адкрытага тыпу № 21 у Мазыры.", "iuot-21-mazyr"),
        # Łacinka typed without its diacritics
        ("Jaho pamiascili u PKT Sklouskaj kalonii na try miesiacy.", "ik-17-sklou"),
    ],
)
def test_a_facility_by_the_name_a_reporter_uses(engine, text: str, facility: str) -> None:
    assert engine.scan(text).facilities == (facility,)


@pytest.mark.parametrize(
    "text",
    [
        # a numbered detention centre is not Akrestsina (which has no number)
        "He spent ten days in Detention Center No. 5 in Minsk.",
        # the same numbers abroad, named before or after
        "В Костромской области России в исправительной колонии № 9 умер заключённый. "
        "Родственники требуют проверки. Медиков ИК-9 обвиняют в халатности.",
        "Трох жыхароў Крыма трымаюць у СІЗА № 1 Сімферопаля.",
        "He was sent to penal colony No. 9 in the Perm region of Russia.",
        # a town, or the Investigative Committee, without a facility
        "Следственный комитет в Минске возбудил дело.",
        "Ein Ferienlager in Minsk wurde renoviert.",
    ],
)
def test_not_one_of_ours(engine, text: str) -> None:
    assert engine.scan(text).facilities == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Andrzej Poczobut został przewieziony z aresztu w Grodnie.", ("prison-1-hrodna",)),
        ("Sąd skazał go na 15 dni aresztu.", ()),
        ("Trafił do aresztu domowego w Grodnie.", ()),
    ],
)
def test_the_polish_short_name_of_a_remand_prison(engine, text, expected):
    assert engine.scan(text).facilities == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Er wurde ins Lager in Horki verlegt.", ("ik-9-horki",)),
        ("Er sitzt in der Strafkolonie im ostbelarussischen Horki.", ("ik-9-horki",)),
        ("Er sitzt im Straflager Wolfsgruben.", ("ik-22-damanava",)),
        ("Im Lager der Firma in Minsk brannte es.", ()),
    ],
)
def test_german_camps_where_in_the_country_and_nicknames(engine, text, expected):
    assert engine.scan("Der politische Gefangene Ales Bialiatski. " + text).facilities == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Polish case forms of a nickname; SIZO-1 by its street
        ("Ihar jest w Wilczych Norach, w kolonii karnej.", "ik-22-damanava"),
        ("Może przebywać w kolonii zwanej „Wilczymi Norami”.", "ik-22-damanava"),
        (
            "Przewieziono go z aresztu przy ul. Wołodarskiego do kolonii karnej nr 2.",
            "sizo-1-minsk",
        ),
        ("В СИЗО на Володарского его держали год.", "sizo-1-minsk"),
        # the German genitive; the Polish and English open institution
        ("Gegen ihn ermittelt die Verwaltung des Gefängnisses Nr. 1 in Grodno.", "prison-1-hrodna"),
        ("Odbywa karę w zakładzie otwartym nr 24 w Grodnie.", "iuot-24-hrodna"),
        ("He was sent to an open facility in Hrodna.", "iuot-24-hrodna"),
        # a transit prison is a remand prison's role (Baranavichy's SIZO-6)
        (
            "The journey took nine days, with a stop at the Baranavichy transit prison.",
            "sizo-6-baranavicy",
        ),
        # a filler with its ogonek: "kolonię karną nr 4"
        ("Opuściła kobiecą kolonię karną nr 4 w Homlu.", "ik-4-homiel-women"),
    ],
)
def test_nickname_cases_a_street_a_genitive_and_open_institutions(engine, text, expected):
    assert expected in engine.scan(text).facilities


def test_a_street_of_the_same_name_elsewhere_is_no_prison(engine):
    assert engine.scan("Он живёт на улице Володарского в Бресте.").facilities == ()


@pytest.mark.parametrize(
    "text",
    [
        "Він сидить у колонії особливого режиму в Глибокому.",
        "Jaho viarnuli nazad u kaloniju asablivaha režymu ŭ Hłybokim.",
        "Его вернули в колонию особого режима в Глубоком.",
    ],
)
def test_the_regime_between_the_kind_word_and_the_town(engine, text):
    assert engine.scan(text).facilities == ("ik-13-hlybokaje",)
