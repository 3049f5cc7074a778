"""Event cues: one family at a time, in every language the press writes (be, Łacinka, ru, uk, pl, de, en).

``sentence_events`` is pure (a sentence in, event types out), so these tests need no registry.
"""

from __future__ import annotations

import pytest

from feeds.mentions.events import sentence_events
from feeds.mentions.models import EventType as E

CASES: dict[E, list[str]] = {
    E.ARREST: [
        "Blogger Ihar Losik was detained in Minsk on Tuesday.",
        "Police arrested the activist at his home.",
        "Игоря Лосика задержали сотрудники ГУБОПиК.",
        "Активистку арестовали по дороге на работу.",
        "Ігара Лосіка затрымалі ў Мінску.",
        "Ihara Losika zatrymali ŭ Minsku.",
        "Dziennikarz został zatrzymany w Grodnie.",
        "Der Blogger wurde in Minsk festgenommen.",
        "Журналіста затримали у Мінську.",
    ],
    E.CHARGED: [
        "He was charged under Article 342.",
        "Ему предъявили обвинение по статье 342 УК.",
        "Против журналиста возбуждено уголовное дело.",
        "Яму прад'явілі абвінавачванне паводле артыкула 342.",
        "Jamu pradjavili abvinavačvańnie.",
        "Postawiono mu zarzuty z artykułu 342.",
        "Er wurde wegen Landesverrats angeklagt.",
        "Йому висунули обвинувачення за статтею 342.",
        "Лосіку інкримінують організацію масових заворушень.",
    ],
    E.TRIAL: [
        "The trial of Ihar Losik began in Homiel.",
        "В Минске начался суд над журналистом.",
        "Суд над журналістам пачаўся ў Гомелі.",
        "Sud nad žurnalistam pačaŭsia ŭ Homieli.",
        "Proces dziennikarza odbywa się za zamkniętymi drzwiami.",
        "Der Prozess fand hinter verschlossenen Türen statt.",
        "Судове засідання відбулося у закритому режимі.",
        "He will be tried in absentia.",
    ],
    E.SENTENCED: [
        "Ihar Losik was sentenced to 15 years in a penal colony.",
        "Игоря Лосика приговорили к 15 годам колонии.",
        "Ігара Лосіка асудзілі на 15 гадоў калоніі.",
        "Ihara Losika asudzili na 15 hadoŭ kałoniji.",
        "Sąd skazał go na 15 lat kolonii.",
        "Er wurde zu 15 Jahren Straflager verurteilt.",
        "Ігоря Лосіка засудили до 15 років колонії.",
        "Чапюк, па звестках праваабаронцаў, атрымаў 15 сутак.",
        "He received 15 days of administrative arrest.",
    ],
    E.APPEAL: [
        "The Supreme Court rejected his appeal.",
        "Апелляционная инстанция оставила приговор без изменений.",
        "Апеляцыю адхілілі, прысуд уступіў у законную сілу.",
        "Apielacyju adchilili.",
        "Sąd apelacyjny utrzymał wyrok bez zmian.",
        "Das Urteil ist rechtskräftig.",
        "Апеляційний суд залишив вирок без змін.",
    ],
    E.TRANSFER: [
        "He was transferred to penal colony No. 9.",
        "Его этапировали в колонию в Горках.",
        "Яго этапавалі ў калонію ў Горках.",
        "Jaho etapavali ŭ kałoniju ŭ Horkach.",
        "Został przewieziony do kolonii karnej.",
        "Er wurde in ein anderes Straflager verlegt.",
        "Його етапували до колонії.",
    ],
    E.PUNISHMENT_CELL: [
        "He was placed in a punishment cell (SHIZO) for 10 days.",
        "Его водворили в ШИЗО на 10 суток.",
        "Яго змясцілі ў ШІЗА.",
        "Jaho źmiaścili ŭ ŠIZA.",
        "Pałčys praviŏŭ u karcery sto sutak.",
        "Пальчыс правёў у карцэры сто сутак.",
        "Trafił do karceru na 15 dni.",
        "Er kam in eine Strafzelle.",
        "Її перевели до приміщення камерного типу.",
    ],
    E.INCOMMUNICADO: [
        "She has been held incommunicado since February.",
        "Писем от него нет уже полгода.",
        "Лісты ад мужа не прыходзяць з вясны.",
        "Listy ad muža nie prychodziać.",
        "Od miesięcy nie otrzymuje listów.",
        "Seit Monaten gibt es keinen Kontakt zu ihm.",
        "Листи від нього не доходять.",
    ],
    E.HEALTH: [
        "He was hospitalised with pneumonia.",
        "Его госпитализировали, здоровье ухудшилось.",
        "Яго шпіталізавалі.",
        "Jaho špitalizavali.",
        "Trafił do szpitala.",
        "Sein Gesundheitszustand hat sich verschlechtert.",
        "Його госпіталізували до лікарні.",
    ],
    E.HUNGER_STRIKE: [
        "He declared a hunger strike.",
        "Он объявил голодовку.",
        "Ён абвясціў галадоўку.",
        "Jon abviaściŭ haładoŭku.",
        "Rozpoczął strajk głodowy.",
        "Er trat in den Hungerstreik.",
        "Він оголосив голодування.",
        "He has refused food for ten days.",
    ],
    E.NEW_CASE: [
        "A new criminal case was opened under Article 411.",
        "Против него возбудили новое уголовное дело по статье 411.",
        "Супраць яго ўзбудзілі новую крымінальную справу.",
        "Suprać jaho ŭzbudzili novuju kryminalnuju spravu.",
        "Wszczęto przeciwko niemu nową sprawę karną.",
        "Gegen ihn wurde ein neues Verfahren eingeleitet.",
        "Проти нього порушили нову кримінальну справу.",
    ],
    E.RELEASED: [
        "He was released after serving his full term.",
        "Он вышел на свободу, полностью отбыв срок.",
        "Ён вызваліўся, цалкам адбыўшы тэрмін.",
        "Jon vyzvaliŭsia.",
        "Wyszedł na wolność po odbyciu kary.",
        "Er wurde freigelassen.",
        "Він вийшов на волю.",
    ],
    E.RELEASED_EXPELLED: [
        "He was freed and deported to Lithuania.",
        "Его освободили и вывезли в Литву.",
        "Яго вызвалілі і вывезлі ў Літву.",
        "Jaho vyzvalili i vyviezli ŭ Litvu.",
        "Został uwolniony i wywieziony na Litwę.",
        "Er wurde freigelassen und nach Litauen abgeschoben.",
        "Його звільнили й вивезли до Литви.",
    ],
    E.PARDONED: [
        "He was pardoned by Lukashenka.",
        "Его помиловали.",
        "Яго памілавалі.",
        "Jaho pamiłavali.",
        "Został ułaskawiony.",
        "Er wurde begnadigt.",
        "Його помилували.",
    ],
    E.DIED: [
        "He died in the colony.",
        "Он умер в колонии.",
        "Ён памёр у калоніі.",
        "Jon pamior u kałoniji.",
        "Zmarł w kolonii.",
        "Er ist in der Haft gestorben.",
        "Він помер у колонії.",
    ],
    E.LISTED_EXTREMIST: [
        "He was added to the list of extremists.",
        "Его внесли в перечень лиц, причастных к экстремистской деятельности.",
        "Яго ўнеслі ў пералік асоб, датычных да экстрэмісцкай дзейнасці.",
        "Jaho ŭnieśli ŭ śpis asobaŭ, dačynnych da ekstremisckaj dziejnaści.",
        "Wpisano go na listę ekstremistów.",
        "Er wurde auf die Extremistenliste gesetzt.",
        "Його внесли до переліку екстремістів.",
    ],
    E.LISTED_TERRORIST: [
        "The KGB put him on its terrorist list.",
        "КГБ внёс его в перечень террористов.",
        "КДБ унёс яго ў «тэрарыстычны спіс».",
        "KDB unios jaho ŭ teraryscki śpis.",
        "KGB wpisało go na listę terrorystów.",
        "Er steht auf der Terrorliste des KGB.",
        "КДБ вніс його до переліку терористів.",
    ],
    E.RECOGNIZED_POLITICAL_PRISONER: [
        "Viasna recognized journalist Ihar Losik as a political prisoner.",
        "Правозащитники признали его политзаключённым.",
        "«Вясна» прызнала Луцкіну палітвязнем.",
        "Viasna pryznała jaho palitviaźniem.",
        "Został uznany za więźnia politycznego.",
        "Er wurde als politischer Gefangener anerkannt.",
        "Його визнали політв'язнем.",
    ],
    E.OTHER: [
        "She received the Sakharov Prize.",
        "Ему присудили премию имени Сахарова.",
        "Яна атрымала прэмію імя Гаўла.",
        "Otrzymała nagrodę im. Kapuścińskiego.",
        "Er hat den Sacharow-Preis erhalten.",
    ],
}


@pytest.mark.parametrize(
    ("event", "sentence"), [(event, s) for event, sentences in CASES.items() for s in sentences]
)
def test_cue(event, sentence):
    assert event in sentence_events(sentence), (sentence, sentence_events(sentence))


NEGATED: list[tuple[str, E]] = [
    ("Ihar Losik refused to ask for a pardon.", E.PARDONED),
    ("Он отказывается писать прошение о помиловании.", E.PARDONED),
    ("Андрэй адмовіўся пісаць прашэнне аб памілаванні.", E.PARDONED),
    ("Nie został ułaskawiony.", E.PARDONED),
    ("He was not released.", E.RELEASED),
    ("Его не освободили.", E.RELEASED),
    ("Jaho nie vyzvalili.", E.RELEASED),
    ("Апеляцыю ён не падаваў.", E.APPEAL),
    ("Er wurde nicht freigelassen.", E.RELEASED),
    ("Отказался покидать Беларусь, хотя его вывезли к литовской границе.", E.RELEASED_EXPELLED),
]


@pytest.mark.parametrize(("sentence", "event"), NEGATED)
def test_negation(sentence, event):
    assert event not in sentence_events(sentence), sentence


BACKSTORY: list[tuple[str, E]] = [
    ("He has been held in Hrodna since his arrest in 2020.", E.ARREST),
    ("Many of his cellmates were freed, but not him.", E.RELEASED),
    ("Alesia Bialackaha chutka etapujuć u kałoniju.", E.TRANSFER),  # soon: not yet
    ("He spent three years in pre-trial detention.", E.TRIAL),
    ("Andrzej Poczobut przeniesiony do karceru.", E.TRANSFER),  # a cell, not a transfer
    ("Jaje pieraviali ŭ SIZA.", E.PUNISHMENT_CELL),  # Łacinka SIZA is the remand prison
    ("He died in the prison hospital.", E.HEALTH),  # the death is the news
    ("He was sentenced to 13 years on charges of treason.", E.CHARGED),
    ("Jana skazała, što budzie praciahvać pracu.", E.SENTENCED),  # "she said" in Łacinka
    ("Journalist X, sentenced to 14 years, has been freed under a pardon.", E.SENTENCED),
    ("Яго вывезлі з калоніі проста ў Мінск.", E.RELEASED_EXPELLED),  # not abroad
    ("He was named a terrorist by the state media.", E.LISTED_TERRORIST),  # no list
]


@pytest.mark.parametrize(("sentence", "event"), BACKSTORY)
def test_not_news(sentence, event):
    assert event not in sentence_events(sentence), sentence


def test_other_only_when_nothing_else():
    assert sentence_events("He received a prize after he was released.") == (E.RELEASED,)
    assert sentence_events("Ihar Losik turned 31 in the colony.") == ()
