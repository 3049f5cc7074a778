"""Mention engine speed and memory against a straightforward regex baseline.

    python -m bench.mention_speed            # full run: 5,000 prisoners + every facility, 1,000 documents
    python -m bench.mention_speed --quick    # smoke run: 500 prisoners, 100 documents

What is measured (data on stdout, progress on stderr):

- registry compile time: ``compile_registry(targets)``, median of 3 compiles;
- memory: peak RSS growth (``VmHWM``, ``bench.memory``, minus the RSS just before compiling, in a
  fresh child process) over compiling and scanning every document; the Python-heap peak from
  ``tracemalloc`` over the same work is printed beside it for information;
- per-document latency: median and p99 over the documents, each document's time being the median of
  several passes (after a warm-up pass);
- the same for the baseline: one compiled, case-insensitive, word-bounded regex alternation per
  registry entry (the entry's names exactly as the registry gives them), every one run over each text.
  The baseline is slow, so it is timed on an evenly spread subset of the documents (the table says how
  many); the speed ratio compares the two medians on that same subset.

Documents are generated (``make_documents``): about 5,000 characters of be/ru/en/pl news-like text from
templates; about 30% name one or two registry prisoners in inflected forms (full names, then the surname
again), some name facilities (kind + number, nicknames, town adjectives).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench.memory import peak_rss_mb
from feeds.registry.models import Facility, FacilityKind
from testkit.namegen import Person, generate_people

TARGET_COMPILE_S = 3.0
TARGET_MEDIAN_MS = 2.0
TARGET_RATIO = 50.0
TARGET_MB = 300.0

DOC_CHARS = 5000
TRACEMALLOC_DOCS = 100
LANG_WEIGHTS = {"ru": 35, "be": 30, "en": 20, "pl": 15}


# ---------------------------------------------------------------------------------------------------
# Registry


def load_facilities() -> list[Facility]:
    from feeds.registry.bundled import bundled_facilities

    return list(bundled_facilities())


def build_registry(n_prisoners: int, seed: int) -> tuple[list[Person], list[Facility]]:
    return generate_people(n_prisoners, seed=seed), load_facilities()


# ---------------------------------------------------------------------------------------------------
# Documents

_TOWNS = {
    "ru": ["Минске", "Гомеле", "Бресте", "Гродно", "Витебске", "Могилёве", "Бобруйске", "Пинске",
           "Лиде", "Слуцке", "Орше", "Новополоцке", "Барановичах", "Мозыре", "Солигорске"],
    "be": ["Мінску", "Гомелі", "Брэсце", "Гродне", "Віцебску", "Магілёве", "Бабруйску", "Пінску",
           "Лідзе", "Слуцку", "Оршы", "Наваполацку", "Баранавічах", "Мазыры", "Салігорску"],
    "en": ["Minsk", "Homiel", "Brest", "Hrodna", "Viciebsk", "Mahilioŭ", "Babrujsk", "Pinsk", "Lida",
           "Slutsk", "Orsha", "Navapolatsk", "Baranavichy", "Mazyr", "Salihorsk"],
    "pl": ["Mińsku", "Homlu", "Brześciu", "Grodnie", "Witebsku", "Mohylewie", "Bobrujsku", "Pińsku",
           "Lidzie", "Słucku", "Orszy", "Nowopołocku", "Baranowiczach", "Mozyrzu", "Soligorsku"],
}  # fmt: skip

_FILLER = {
    "ru": [
        "В {town} прошло заседание городского исполкома, на котором обсуждали ремонт дорог и школ.",
        "По данным Белстата, за {month} цены на продукты выросли на {pct} процента.",
        "Синоптики обещают, что в выходные в {town} будет до {deg} градусов тепла.",
        "Правозащитники напоминают, что в стране остаются за решёткой более {num} человек.",
        "Суд одного из районов в {town} рассмотрел {num} административных дел за неделю.",
        "Эксперты отмечают, что экспорт калийных удобрений в {year} году снизился.",
        "В {town} жители жалуются на задержки автобусов и закрытие поликлиники.",
        "Министерство образования объявило о новых правилах поступления в вузы в {year} году.",
        "На рынке труда не хватает врачей, учителей и водителей, сообщает издание.",
        "Курс доллара на торгах биржи составил {rate} рубля.",
        "В {town} открыли выставку современного искусства, которая продлится до конца {month}.",
        "Представители диаспоры в Вильнюсе и Варшаве провели акцию солидарности.",
        "Журналисты обратились к властям с вопросом о судьбе задержанных коллег.",
        "Милиция сообщила о {num} задержанных после проверки документов на трассе.",
        "Футбольный клуб, базирующийся в {town}, проиграл со счётом {score} и выбыл из кубка.",
    ],
    "be": [
        "У {town} адбылося пасяджэнне гарвыканкама, на якім абмяркоўвалі рамонт дарог і школ.",
        "Паводле Белстата, за {month} кошты на прадукты выраслі на {pct} адсоткі.",
        "Сіноптыкі абяцаюць, што ў выхадныя ў {town} будзе да {deg} градусаў цяпла.",
        "Праваабаронцы нагадваюць, што ў краіне застаюцца за кратамі больш за {num} чалавек.",
        "Суд Цэнтральнага раёна ў {town} разгледзеў {num} адміністрацыйных спраў за тыдзень.",
        "Эксперты адзначаюць, што экспарт калійных угнаенняў у {year} годзе знізіўся.",
        "Жыхары ў {town} скардзяцца на затрымкі аўтобусаў і закрыццё паліклінікі.",
        "Міністэрства адукацыі абвясціла пра новыя правілы паступлення ў ВНУ ў {year} годзе.",
        "На рынку працы не хапае лекараў, настаўнікаў і кіроўцаў, паведамляе выданне.",
        "Курс долара на таргах біржы склаў {rate} рубля.",
        "У {town} адкрылі выставу сучаснага мастацтва, якая працягнецца да канца {month}.",
        "Прадстаўнікі дыяспары ў Вільні і Варшаве правялі акцыю салідарнасці.",
        "Журналісты звярнуліся да ўладаў з пытаннем пра лёс затрыманых калег.",
        "Міліцыя паведаміла пра {num} затрыманых пасля праверкі дакументаў на трасе.",
        "Футбольны клуб, які базуецца ў {town}, прайграў з лікам {score} і выбыў з кубка.",
    ],
    "en": [
        "The city council in {town} met to discuss the repair of roads and schools.",
        "According to Belstat, food prices rose by {pct} percent in {month}.",
        "Forecasters expect temperatures of up to {deg} degrees in {town} this weekend.",
        "Human rights defenders say more than {num} people remain behind bars in the country.",
        "A district court in {town} heard {num} administrative cases this week.",
        "Analysts note that potash exports declined in {year}.",
        "Residents of {town} complain about delayed buses and the closure of a clinic.",
        "The education ministry announced new university admission rules for {year}.",
        "The labour market is short of doctors, teachers and drivers, the outlet reports.",
        "The dollar traded at {rate} roubles on the exchange.",
        "An exhibition of contemporary art opened in {town} and runs until the end of {month}.",
        "Members of the diaspora in Vilnius and Warsaw held a solidarity rally.",
        "Journalists asked the authorities about the fate of their detained colleagues.",
        "Police reported {num} detentions after document checks on the highway.",
        "A football club from {town} lost {score} and dropped out of the cup.",
    ],
    "pl": [
        "W {town} odbyło się posiedzenie rady miejskiej, na którym omawiano remonty dróg i szkół.",
        "Według Biełstatu ceny żywności wzrosły w {month} o {pct} procent.",
        "Synoptycy zapowiadają, że w weekend w {town} będzie do {deg} stopni.",
        "Obrońcy praw człowieka przypominają, że za kratami pozostaje ponad {num} osób.",
        "Sąd rejonowy w {town} rozpatrzył w tym tygodniu {num} spraw administracyjnych.",
        "Eksperci zauważają, że eksport nawozów potasowych spadł w {year} roku.",
        "Mieszkańcy w {town} skarżą się na opóźnienia autobusów i zamknięcie przychodni.",
        "Ministerstwo edukacji ogłosiło nowe zasady rekrutacji na studia w {year} roku.",
        "Na rynku pracy brakuje lekarzy, nauczycieli i kierowców, podaje portal.",
        "Kurs dolara na giełdzie wyniósł {rate} rubla.",
        "W {town} otwarto wystawę sztuki współczesnej, czynną do końca {month}.",
        "Przedstawiciele diaspory w Wilnie i Warszawie zorganizowali akcję solidarności.",
        "Dziennikarze zwrócili się do władz z pytaniem o los zatrzymanych kolegów.",
        "Milicja poinformowała o {num} zatrzymanych po kontroli dokumentów na trasie.",
        "Klub piłkarski grający w {town} przegrał {score} i odpadł z pucharu.",
    ],
}

# Common words, for sentences that are not templates (real news has a wide vocabulary; an engine that
# caches per distinct token must not get an easy ride from a few repeated templates).
_WORDS = {
    "ru": """и в не на что с как по это но из за он от к о для его она мы они так уже было же
    год года году время дело люди страна власть решение вопрос работа жизнь часть город область районе
    сообщил сообщила заявил заявила отметил рассказал рассказала написал пишет передает считает говорит
    новый новые новых большой большие последние первый второй сегодня вчера завтра теперь снова также
    после перед между около почти более менее очень только ещё всего несколько многие другие каждый
    правительство министерство предприятие завод школа больница рынок цены зарплата пенсия налог кредит
    выборы протест акция митинг суд закон статья кодекс приговор штраф милиция чиновник депутат
    журналист редакция издание телеграм канал видео фото интервью комментарий заявление сообщение
    граница Литва Польша Украина Россия Евросоюз санкции экспорт импорт бюджет экономика энергия газ
    погода снег дождь мороз жара лето зима весна осень утро вечер ночь неделя месяц праздник""",
    "be": """і ў не на што з як па гэта але з за ён ад да пра для яго яна мы яны так ужо было ж
    год года годзе час справа людзі краіна ўлада рашэнне пытанне праца жыццё частка горад вобласць раёне
    паведаміў паведаміла заявіў заявіла адзначыў расказаў расказала напісаў піша перадае лічыць кажа
    новы новыя новых вялікі вялікія апошнія першы другі сёння ўчора заўтра цяпер зноў таксама
    пасля перад паміж каля амаль больш менш вельмі толькі яшчэ ўсяго некалькі шмат іншыя кожны
    урад міністэрства прадпрыемства завод школа бальніца рынак кошты заробак пенсія падатак крэдыт
    выбары пратэст акцыя мітынг суд закон артыкул кодэкс прысуд штраф міліцыя чыноўнік дэпутат
    журналіст рэдакцыя выданне тэлеграм канал відэа фота інтэрв'ю каментар заява паведамленне
    мяжа Літва Польшча Украіна Расія Еўрасаюз санкцыі экспарт імпарт бюджэт эканоміка энергія газ
    надвор'е снег дождж мароз спёка лета зіма вясна восень раніца вечар ноч тыдзень месяц свята""",
    "en": """the and of to in a is that for on with as was by it at from he she they we this
    year time case people country government decision question work life part city region district
    said says told reported noted added wrote writes according believes explained announced confirmed
    new large last first second today yesterday tomorrow now again also still already however
    after before between about almost more less very only several many other each every most
    ministry company plant school hospital market prices wages pension tax loan budget economy energy
    elections protest rally court law article code verdict fine police official deputy lawyer
    journalist newsroom outlet channel video photo interview comment statement message source
    border Lithuania Poland Ukraine Russia Union sanctions exports imports gas oil trade talks
    weather snow rain frost heat summer winter spring autumn morning evening night week month holiday""",
    "pl": """i w nie na że z jak po to ale od za on do o dla jego ona my oni tak już było się
    rok roku czas sprawa ludzie kraj władza decyzja pytanie praca życie część miasto obwód rejonie
    poinformował poinformowała oświadczył zaznaczył powiedział opowiedziała napisał pisze podaje uważa
    nowy nowe nowych duży duże ostatnie pierwszy drugi dzisiaj wczoraj jutro teraz znowu także
    po przed między około prawie więcej mniej bardzo tylko jeszcze kilka wiele inne każdy
    rząd ministerstwo przedsiębiorstwo zakład szkoła szpital rynek ceny pensja emerytura podatek kredyt
    wybory protest akcja wiec sąd ustawa artykuł kodeks wyrok grzywna milicja urzędnik deputowany
    dziennikarz redakcja portal kanał wideo zdjęcie wywiad komentarz oświadczenie komunikat źródło
    granica Litwa Polska Ukraina Rosja Unia sankcje eksport import budżet gospodarka energia gaz
    pogoda śnieg deszcz mróz upał lato zima wiosna jesień rano wieczór noc tydzień miesiąc święto""",
}
_WORDS = {lang: words.split() for lang, words in _WORDS.items()}


def _word_sentence(rng: random.Random, lang: str) -> str:
    words = [rng.choice(_WORDS[lang]) for _ in range(rng.randint(8, 22))]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), str(rng.randint(1, 2030)))
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), rng.choice(_TOWNS[lang]))
    sentence = " ".join(words)
    if rng.random() < 0.3:
        cut = rng.randrange(3, len(words) - 2)
        sentence = " ".join(words[:cut]) + ", " + " ".join(words[cut:])
    return sentence[0].upper() + sentence[1:] + rng.choice(".....?!")


_MONTHS = {
    "ru": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа"],
    "be": ["студзеня", "лютага", "сакавіка", "красавіка", "мая", "чэрвеня", "ліпеня", "жніўня"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August"],
    "pl": ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia"],
}

# Sentences that name a person: {full_<case>} is the full name, {sur_<case>} the surname alone.
_PERSON = {
    "ru": [
        "Политзаключённого {full_acc} этапировали в {facility}.",
        "Суд приговорил {full_acc} к {years} годам колонии усиленного режима.",
        "Как сообщает «Вясна», {full_nom} объявил голодовку.",
        "Родные {sur_gen} не получают от него писем уже {num} недель.",
        "{sur_ins} заинтересовались после публикации в соцсетях.",
        "Правозащитники признали {full_acc} политическим заключённым.",
    ],
    "be": [
        "Палітвязня {full_acc} этапавалі ў {facility}.",
        "Суд асудзіў {full_acc} да {years} гадоў калоніі ўзмоцненага рэжыму.",
        "Як паведамляе «Вясна», {full_nom} абвясціў галадоўку.",
        "Родныя {sur_gen} не атрымліваюць ад яго лістоў ужо {num} тыдняў.",
        "Справай {sur_gen} зацікавіліся пасля публікацыі ў сацсетках.",
        "Праваабаронцы прызналі {full_acc} палітвязнем.",
    ],
    "en": [
        "Political prisoner {full_nom} has been transferred to {facility}.",
        "A court sentenced {full_nom} to {years} years in a medium-security colony.",
        "According to Viasna, {full_nom} has gone on hunger strike.",
        "Relatives of {sur_nom} have not received letters from the prisoner for {num} weeks.",
        "{sur_nom}'s case drew attention after posts on social media.",
        "Human rights defenders recognised {full_nom} as a political prisoner.",
    ],
    "pl": [
        "Więźnia politycznego {full_acc} przewieziono do {facility}.",
        "Sąd skazał {full_acc} na {years} lat kolonii o zaostrzonym rygorze.",
        "Jak podaje Wiasna, {full_nom} rozpoczął strajk głodowy.",
        "Rodzina {sur_gen} od {num} tygodni nie dostaje od niego listów.",
        "Sprawą {sur_gen} zainteresowano się po wpisach w mediach społecznościowych.",
        "Obrońcy praw człowieka uznali {full_acc} za więźnia politycznego.",
    ],
}

_FACILITY_SENTENCE = {
    "ru": "По словам родственников, условия в {facility} остаются тяжёлыми.",
    "be": "Паводле сваякоў, умовы ў {facility} застаюцца цяжкімі.",
    "en": "According to relatives, conditions in {facility} remain harsh.",
    "pl": "Według krewnych warunki w {facility} pozostają ciężkie.",
}

_KIND_PHRASE = {
    FacilityKind.COLONY: {"ru": ("исправительную колонию №{n}", "ИК-{n}"),
                          "be": ("папраўчую калонію №{n}", "калонію №{n}"),
                          "en": ("penal colony No. {n}", "IK-{n}"),
                          "pl": ("kolonii karnej nr {n}", "kolonii nr {n}")},
    FacilityKind.SIZO: {"ru": ("СИЗО-{n}", "следственный изолятор №{n}"),
                        "be": ("СІЗА-{n}", "следчы ізалятар №{n}"),
                        "en": ("pre-trial detention centre No. {n}", "SIZO-{n}"),
                        "pl": ("aresztu śledczego nr {n}", "SIZO nr {n}")},
    FacilityKind.PRISON: {"ru": ("тюрьму №{n}", "тюрьму №{n}"),
                          "be": ("турму №{n}", "турму №{n}"),
                          "en": ("Prison No. {n}", "prison No. {n}"),
                          "pl": ("więzienia nr {n}", "więzienia nr {n}")},
}  # fmt: skip


def _facility_phrase(rng: random.Random, facility: Facility, lang: str) -> str:
    if facility.nicknames and rng.random() < 0.3:
        return rng.choice(facility.nicknames)
    phrases = _KIND_PHRASE.get(facility.kind)
    if phrases and facility.number is not None:
        phrase = rng.choice(phrases[lang]).format(n=facility.number)
        town = {"ru": facility.town_ru, "be": facility.town_be}.get(lang, facility.town_en)
        if town and rng.random() < 0.5:
            phrase += {"ru": " в городе ", "be": " у горадзе ", "en": " in ", "pl": " w mieście "}[
                lang
            ] + town
        return phrase
    return rng.choice(facility.nicknames) if facility.nicknames else facility.town_en or "Minsk"


@dataclass
class Document:
    text: str
    lang: str
    title: str
    planted: set[str] = field(default_factory=set)  # prisoner ids written into the text
    planted_facilities: set[str] = field(default_factory=set)


def _fill(rng: random.Random, template: str, lang: str) -> str:
    return template.format(
        town=rng.choice(_TOWNS[lang]),
        month=rng.choice(_MONTHS[lang]),
        pct=f"{rng.randint(1, 9)},{rng.randint(0, 9)}"
        if lang != "en"
        else f"{rng.randint(1, 9)}.2",
        deg=rng.randint(5, 30),
        num=rng.randint(2, 1500),
        year=rng.randint(2019, 2026),
        rate=f"{rng.randint(2, 3)},{rng.randint(10, 99)}",
        score=f"{rng.randint(0, 3)}:{rng.randint(0, 4)}",
        years=rng.randint(2, 15),
    )


def _person_slots(person: Person, lang: str) -> dict[str, str]:
    slots = {}
    for case in ("nom", "gen", "acc", "ins"):
        first, surname = person.forms(lang, case)
        if lang == "en" and person.prisoner.aliases and case == "nom":
            latin = [a for a in person.prisoner.aliases if a.isascii()]
            if latin:
                first, _, surname = latin[0].partition(" ")
        slots[f"full_{case}"] = f"{first} {surname}"
        slots[f"sur_{case}"] = surname
    return slots


def make_documents(
    people: Sequence[Person],
    facilities: Sequence[Facility],
    n_docs: int,
    seed: int = 0,
    chars: int = DOC_CHARS,
    named_share: float = 0.3,
    facility_share: float = 0.2,
) -> list[Document]:
    """``n_docs`` news-like documents of about ``chars`` characters; deterministic for a seed."""
    rng = random.Random(f"vestka-docs:{seed}")
    langs = list(LANG_WEIGHTS)
    weights = list(LANG_WEIGHTS.values())
    numbered = [f for f in facilities if f.number is not None and f.kind in _KIND_PHRASE]
    nicknamed = [f for f in facilities if f.nicknames]
    docs = []
    for _ in range(n_docs):
        lang = rng.choices(langs, weights=weights, k=1)[0]
        sentences: list[str] = []
        size = 0
        while size < chars:
            if rng.random() < 0.5:
                sentence = _fill(rng, rng.choice(_FILLER[lang]), lang)
            else:
                sentence = _word_sentence(rng, lang)
            sentences.append(sentence)
            size += len(sentence) + 1
        doc = Document(text="", lang=lang, title="")
        if rng.random() < named_share:
            for person in rng.sample(people, rng.choice((1, 1, 2))):
                slots = _person_slots(person, lang)
                facility = rng.choice(numbered + nicknamed)
                templates = rng.sample(_PERSON[lang], 3)
                at = rng.randrange(0, max(1, len(sentences) // 2))
                for k, template in enumerate(templates):
                    phrase = _facility_phrase(rng, facility, lang)
                    text = template.format(
                        facility=phrase, years=rng.randint(2, 15), num=rng.randint(2, 30), **slots
                    )
                    sentences.insert(at + 2 * k, text)
                doc.planted.add(person.id)
                if any("{facility}" in t for t in templates):
                    doc.planted_facilities.add(facility.id)
        if rng.random() < facility_share:
            facility = rng.choice(numbered + nicknamed)
            phrase = _facility_phrase(rng, facility, lang)
            sentences.insert(
                rng.randrange(len(sentences)), _FACILITY_SENTENCE[lang].format(facility=phrase)
            )
            doc.planted_facilities.add(facility.id)
        paragraphs = []
        for k in range(0, len(sentences), 5):
            paragraphs.append(" ".join(sentences[k : k + 5]))
        doc.text = "\n\n".join(paragraphs)
        doc.title = sentences[0][:80]
        docs.append(doc)
    return docs


# ---------------------------------------------------------------------------------------------------
# Baseline: one regex alternation per registry entry


def entry_names(target) -> list[str]:
    if isinstance(target, Facility):
        names = [target.name_be, target.name_ru, target.name_en, *target.nicknames, *target.aliases]
    else:
        names = target.names()
    return [n for n in dict.fromkeys(names) if n]


class Baseline:
    """The obvious implementation: for each entry, ``\\b(?:name1|name2|...)\\b`` with IGNORECASE."""

    def __init__(self, targets: Sequence) -> None:
        self.patterns: list[tuple[str, re.Pattern[str]]] = []
        for target in targets:
            names = entry_names(target)
            if names:
                alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                self.patterns.append(
                    (target.id, re.compile(rf"\b(?:{alternation})\b", re.IGNORECASE))
                )

    def scan(self, text: str) -> list[tuple[str, int, int]]:
        found = []
        for target_id, pattern in self.patterns:
            for m in pattern.finditer(text):
                found.append((target_id, m.start(), m.end()))
        return found


# ---------------------------------------------------------------------------------------------------
# Measurement helpers


def load_engine_factory(spec: str) -> Callable:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name or "compile_registry")


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def time_compile(factory: Callable, targets: Sequence, runs: int) -> tuple[float, object]:
    times = []
    engine = None
    for _ in range(runs):
        engine = None
        gc.collect()
        re.purge()
        t0 = time.perf_counter()
        engine = factory(targets)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), engine


def time_scans(
    scan: Callable[[Document], object], docs: Sequence[Document], runs: int
) -> list[float]:
    """Per-document seconds, each the median of ``runs`` passes (after one warm-up pass over a few)."""
    for doc in docs[:20]:
        scan(doc)
    per_doc: list[list[float]] = [[] for _ in docs]
    for _ in range(runs):
        for i, doc in enumerate(docs):
            t0 = time.perf_counter()
            scan(doc)
            per_doc[i].append(time.perf_counter() - t0)
    return [statistics.median(ts) for ts in per_doc]


def _rss_now_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # not Linux: fall back to the high-water mark
        return _rss_peak_mb()


def _rss_peak_mb() -> float:
    return peak_rss_mb()


def _child_memory(args: argparse.Namespace) -> None:
    """Run in a fresh process: RSS growth and tracemalloc peak of compile + scanning every document."""
    people, facilities = build_registry(args.prisoners, args.seed)
    targets = [p.prisoner for p in people] + facilities
    docs = make_documents(people, facilities, args.docs, seed=args.seed)
    factory: Callable
    if args.child_memory == "baseline":
        docs = docs[: args.baseline_docs]
        factory = Baseline
    else:
        factory = load_engine_factory(args.engine)
        if args.tracemalloc:
            docs = docs[:TRACEMALLOC_DOCS]  # tracing slows everything down several times
    gc.collect()
    before = _rss_now_mb()
    if args.tracemalloc:
        tracemalloc.start()
    engine = factory(targets)
    for doc in docs:
        _scan_with(engine, doc, args.child_memory)
    result = {"rss_growth_mb": _rss_peak_mb() - before}
    if args.tracemalloc:
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result.update(tracemalloc_peak_mb=peak / 2**20, tracemalloc_retained_mb=current / 2**20)
    print(json.dumps(result))


def _scan_with(engine, doc: Document, kind: str):
    if kind == "baseline":
        return engine.scan(doc.text)
    return engine.scan(doc.text, title=doc.title, lang=doc.lang)


def _measure_memory(args: argparse.Namespace, kind: str, with_tracemalloc: bool) -> dict:
    cmd = [
        sys.executable, "-m", "bench.mention_speed", "--child-memory", kind,
        "--prisoners", str(args.prisoners), "--docs", str(args.docs), "--seed", str(args.seed),
        "--baseline-docs", str(args.baseline_docs_for_memory), "--engine", args.engine,
    ]  # fmt: skip
    if with_tracemalloc:
        cmd.append("--tracemalloc")
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"memory child failed: {out.stderr.strip()[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.mention_speed", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 500 prisoners, 100 documents"
    )
    parser.add_argument("--prisoners", type=int, help="generated prisoners (default 5000)")
    parser.add_argument("--docs", type=int, help="documents (default 1000)")
    parser.add_argument("--runs", type=int, help="timed passes over the documents (default 3)")
    parser.add_argument(
        "--baseline-seconds",
        type=float,
        default=30.0,
        help="time budget for the baseline's scans; it is run on as many documents as fit (>= 20)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--engine", default="feeds.mentions:compile_registry", help="module:function to benchmark"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the memory child processes")
    parser.add_argument("--child-memory", choices=("engine", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--tracemalloc", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline-docs", type=int, default=50, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.prisoners = args.prisoners or (500 if args.quick else 5000)
    args.docs = args.docs or (100 if args.quick else 1000)
    args.runs = args.runs or (1 if args.quick else 3)
    args.compile_runs = 1 if args.quick else 3
    if args.quick:
        args.baseline_seconds = min(args.baseline_seconds, 5.0)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child_memory:
        _child_memory(args)
        return 0

    started = time.perf_counter()
    try:
        factory = load_engine_factory(args.engine)
    except (ImportError, AttributeError) as exc:
        print(f"mention_speed: cannot load the engine {args.engine!r}: {exc}", file=sys.stderr)
        return 2

    _log(f"generating {args.prisoners} prisoners + facilities and {args.docs} documents...")
    people, facilities = build_registry(args.prisoners, args.seed)
    targets = [p.prisoner for p in people] + facilities
    docs = make_documents(people, facilities, args.docs, seed=args.seed)
    mean_chars = statistics.mean(len(d.text) for d in docs)
    mean_bytes = statistics.mean(len(d.text.encode()) for d in docs)
    named = sum(1 for d in docs if d.planted)

    _log(f"engine: compiling {len(targets)} targets x{args.compile_runs}...")
    engine_compile, engine = time_compile(factory, targets, args.compile_runs)
    _log(f"engine: scanning {len(docs)} documents x{args.runs}...")
    results: dict[int, object] = {}

    def engine_scan(doc: Document):
        results[id(doc)] = _scan_with(engine, doc, "engine")

    engine_times = time_scans(engine_scan, docs, args.runs)

    # What the engine found, for a sanity line (a fast engine that finds nothing is no engine).
    hits = missed = extra = 0
    for doc in docs:
        result = results[id(doc)]
        found = set(result.prisoners) | {i for group in result.ambiguous for i in group}
        hits += len(doc.planted & found)
        missed += len(doc.planted - found)
        extra += len(found - doc.planted)

    _log("baseline: compiling one regex per entry...")
    baseline_compile, baseline = time_compile(Baseline, targets, args.compile_runs)
    t0 = time.perf_counter()
    baseline.scan(docs[0].text)
    per_doc_guess = max(time.perf_counter() - t0, 1e-6)
    n_base = int(min(len(docs), max(20, args.baseline_seconds / per_doc_guess)))
    step = len(docs) / n_base
    subset_idx = sorted({int(k * step) for k in range(n_base)})
    subset = [docs[i] for i in subset_idx]
    _log(
        f"baseline: scanning {len(subset)} of {len(docs)} documents (about {per_doc_guess:.2f} s each)..."
    )
    baseline_times = time_scans(lambda d: baseline.scan(d.text), subset, 1)
    engine_on_subset = [engine_times[i] for i in subset_idx]

    memory = {"engine": {}, "baseline": {}}
    if not args.no_memory:
        args.baseline_docs_for_memory = min(len(subset), 2)
        _log("memory: fresh child processes (RSS, then tracemalloc)...")
        memory["engine"] = _measure_memory(args, "engine", with_tracemalloc=False)
        memory["engine"].update(_measure_memory(args, "engine", with_tracemalloc=True))
        memory["baseline"] = _measure_memory(args, "baseline", with_tracemalloc=False)

    e_med, e_p99 = statistics.median(engine_times) * 1e3, percentile(engine_times, 0.99) * 1e3
    b_med, b_p99 = statistics.median(baseline_times) * 1e3, percentile(baseline_times, 0.99) * 1e3
    e_sub_med = statistics.median(engine_on_subset) * 1e3
    ratio = b_med / e_sub_med if e_sub_med else float("inf")
    e_mb = memory["engine"].get("rss_growth_mb", float("nan"))
    b_mb = memory["baseline"].get("rss_growth_mb", float("nan"))

    print(
        f"Mention engine speed ({'quick smoke run' if args.quick else 'full run'}, seed {args.seed})"
    )
    print(
        f"registry: {len(people)} generated prisoners + {len(facilities)} facilities; "
        f"{len(docs)} documents, mean {mean_chars:.0f} characters ({mean_bytes:.0f} bytes UTF-8), "
        f"{named} naming registry prisoners; languages "
        + ", ".join(f"{lang} {sum(d.lang == lang for d in docs)}" for lang in LANG_WEIGHTS)
    )
    print(
        f"engine timings: median of {args.runs} passes per document; "
        f"baseline: 1 pass over {len(subset)} of the {len(docs)} documents (evenly spread)"
    )
    print()
    print(f"{'':10} {'compile s':>10} {'MB':>8} {'median ms':>10} {'p99 ms':>9}")
    print(f"{'engine':10} {engine_compile:10.3f} {e_mb:8.1f} {e_med:10.3f} {e_p99:9.3f}")
    print(f"{'baseline':10} {baseline_compile:10.3f} {b_mb:8.1f} {b_med:10.3f} {b_p99:9.3f}")
    print()
    print(
        f"speed ratio baseline/engine (medians on the same {len(subset)} documents: "
        f"{b_med:.2f} ms / {e_sub_med:.3f} ms): {ratio:.0f}x"
    )
    if memory["engine"]:
        print(
            "memory: MB = peak RSS growth (VmHWM minus RSS before compiling, fresh process) "
            "over compile + scanning every document (baseline: "
            f"{args.baseline_docs_for_memory} documents); engine tracemalloc (Python heap, compile + "
            f"{min(TRACEMALLOC_DOCS, len(docs))} documents): peak "
            f"{memory['engine'].get('tracemalloc_peak_mb', float('nan')):.1f} MB, retained "
            f"{memory['engine'].get('tracemalloc_retained_mb', float('nan')):.1f} MB"
        )
    planted = hits + missed
    print(
        f"sanity: engine found {hits} of {planted} planted prisoner mentions "
        f"({hits / planted:.0%}); {extra} prisoner ids reported that were not planted"
        if planted
        else "sanity: no planted prisoners"
    )
    print()
    print("targets" + (" (for the full run; a quick run only smoke-tests)" if args.quick else ""))
    checks = [
        (
            f"compile <= {TARGET_COMPILE_S:g} s",
            engine_compile <= TARGET_COMPILE_S,
            f"{engine_compile:.2f} s",
        ),
        (
            f"median <= {TARGET_MEDIAN_MS:g} ms per document",
            e_med <= TARGET_MEDIAN_MS,
            f"{e_med:.3f} ms",
        ),
        (f">= {TARGET_RATIO:g}x faster than the baseline", ratio >= TARGET_RATIO, f"{ratio:.0f}x"),
        (f"memory <= {TARGET_MB:g} MB", e_mb <= TARGET_MB, f"{e_mb:.1f} MB"),
    ]
    for label, ok, value in checks:
        verdict = "n/a " if "nan" in value else ("PASS" if ok else "FAIL")
        print(f"  {verdict}  {label:36} {value}")
    _log(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
