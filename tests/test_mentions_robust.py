"""Bad input never crashes the mention engine, and its time and output stay bounded.

Every case checks the result's shape: each mention's ``start``/``end`` index the string the engine
documents, ``document_text(text, title)`` (the text itself when there is no title), so
``doc[m.start:m.end] == m.text``; ids are registry ids, the summary is at most 600 characters and its
spans index it. Every name or facility a case plants is found where it was planted (``expect``), and
input that names nobody yields nobody: an engine that returned nothing would fail here. A case the
engine does not handle yet is marked ``xfail(strict=True, raises=Missed)``: only the missed mention
may fail it (a crash, a bad offset or a blow-up still fails), and it turns red the day it is fixed.

Time is bounded with generous budgets, never tight ones: a scan may take at most ``FACTOR`` times a
plain ``str.split()`` pass over the same text (measured in the same test), with a floor of several
seconds, so a slow machine scales both sides and only a blow-up (quadratic work, regex backtracking)
fails.
"""

from __future__ import annotations

import json
import random
import re
import time

import pytest

from bench.mention_speed import _FACILITY_SENTENCE, make_documents
from feeds.mentions import compile_registry, document_text
from feeds.mentions.models import ScanResult
from feeds.mentions.result import MAX_MENTIONS_PER_TARGET
from feeds.registry.bundled import bundled_facilities
from feeds.registry.models import Gender, Prisoner
from testkit.namegen import generate_people

pytestmark = pytest.mark.timeout(120)

FACTOR = 300  # a scan may cost this many str.split() passes over the same text...
FLOOR_S = 10.0  # ...or this many seconds, whichever is larger
SUMMARY_MAX = 600

BIALIACKI = "ales-bialiacki"
KALESNIKAVA = "maryja-kalesnikava"

KNOWN = [
    Prisoner(
        id=BIALIACKI,
        name_be="Алесь Бяляцкі",
        name_ru="Алесь Беляцкий",
        name_en="Ales Bialiatski",
        gender=Gender.MALE,
    ),
    Prisoner(
        id=KALESNIKAVA,
        name_be="Марыя Калеснікава",
        name_ru="Мария Колесникова",
        name_en="Maria Kalesnikava",
        gender=Gender.FEMALE,
    ),
    Prisoner(
        id="ihar-losik",
        name_be="Ігар Лосік",
        name_ru="Игорь Лосик",
        name_en="Ihar Losik",
        gender=Gender.MALE,
    ),
    Prisoner(
        id="maksim-znak",
        name_be="Максім Знак",
        name_ru="Максим Знак",
        name_en="Maksim Znak",
        gender=Gender.MALE,
    ),
]

NAME_BE = "Алесь Бяляцкі"
NAME_EN = "Ales Bialiatski"


@pytest.fixture(scope="module")
def people():
    return generate_people(500, seed=11)


@pytest.fixture(scope="module")
def registry(people):
    facilities = list(bundled_facilities())
    return [*KNOWN, *(p.prisoner for p in people), *facilities]


@pytest.fixture(scope="module")
def engine(registry):
    return compile_registry(registry)


@pytest.fixture(scope="module")
def known_ids(registry):
    return {t.id for t in registry}


@pytest.fixture(scope="module")
def filler(people):
    """About 400 KB of mixed be/ru/en/pl news-like text naming nobody from the registry."""
    facilities = list(bundled_facilities())
    docs = make_documents(people, facilities, 60, seed=5, named_share=0.0, facility_share=0.0)
    return "\n\n".join(d.text for d in docs)


def split_seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        text.split()
        best = min(best, time.perf_counter() - t0)
    return best


def scan_checked(engine, text: str, known_ids: set[str], **kwargs) -> ScanResult:
    """Scan within the time budget and check the result is well formed."""
    budget = max(FLOOR_S, FACTOR * split_seconds(text))
    t0 = time.perf_counter()
    result = engine.scan(text, **kwargs)
    elapsed = time.perf_counter() - t0
    assert elapsed <= budget, (
        f"scan of {len(text)} characters took {elapsed:.1f} s (> {budget:.1f} s)"
    )
    check_result(document_text(text, kwargs.get("title")), result, known_ids)
    return result


def check_result(doc: str, result: ScanResult, known_ids: set[str]) -> None:
    """``doc`` is the string the engine documents its offsets against: ``document_text(text, title)``."""
    text = doc
    assert isinstance(result, ScanResult)
    for m in result.mentions:
        assert 0 <= m.start < m.end <= len(text), (m.start, m.end, len(text))
        assert text[m.start : m.end] == m.text, (m.start, m.end, m.text, text[m.start : m.end])
        assert m.target in known_ids, m.target
    ambiguous = {i for group in result.ambiguous for i in group}
    assert set(result.prisoners) <= known_ids
    assert set(result.facilities) <= known_ids
    assert ambiguous <= known_ids
    assert not ambiguous & set(result.prisoners)
    # No amplification: the sentences copied into mentions stay within a few times the input's size
    # (10,000 mentions each carrying a copy of one 140 KB "sentence" would be 1.4 GB).
    copied = sum(len(m.sentence) for m in result.mentions)
    assert copied <= 2 * len(text) + 10_000, f"mentions carry {copied} characters of sentences"
    assert len(result.summary) <= SUMMARY_MAX, len(result.summary)
    for start, end in result.summary_spans:
        assert 0 <= start < end <= len(result.summary), (start, end, len(result.summary))
    json.dumps(result.to_json())  # the --jsonl line must be writable


def found(result: ScanResult) -> set[str]:
    return set(result.prisoners) | {i for group in result.ambiguous for i in group}


class Missed(AssertionError):
    """A planted mention the engine did not return (or one it returned that nothing planted)."""


Expected = dict[str, list[tuple[int, str]]]  # target -> [(start, text)] in the scanned document


def occurrences(doc: str, target: str, *names: str) -> Expected:
    """Where ``names`` stand in ``doc``, as the mentions of ``target`` the engine should return: the
    first MAX_MENTIONS_PER_TARGET of them, which is all the engine reports of one target."""
    found_at = sorted(
        (m.start(), m.group()) for name in names for m in re.finditer(re.escape(name), doc)
    )
    return {target: found_at[:MAX_MENTIONS_PER_TARGET]}


def expect(result: ScanResult, expected: Expected, exact: bool = True) -> None:
    """The mentions of each target are exactly ``expected`` (``exact``; nothing else found either),
    or include it. Raises ``Missed`` with what the engine returned."""
    got: Expected = {}
    for m in result.mentions:
        got.setdefault(m.target, []).append((m.start, m.text))
    got = {t: sorted(v) for t, v in got.items()}
    want = {t: sorted(v) for t, v in expected.items() if v}
    subset = all(set(v) <= set(got.get(t, ())) for t, v in want.items())
    ok = got == want if exact else subset
    if not ok:
        brief = {
            t: v[:6] + ([f"... {len(v)} in all"] if len(v) > 6 else []) for t, v in got.items()
        }
        raise Missed(
            f"expected {want if len(str(want)) < 600 else '(long)'}, engine returned {brief}"
        )


def xfail_missed(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, raises=Missed, reason=reason)


# ---------------------------------------------------------------------------------------------------
# Empty and blank


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n", " \n\t\r\u00a0\u2003\u200b\ufeff" * 1000, "\n" * 200_000, "." * 100_000],
    ids=["empty", "space", "newline", "unicode-whitespace", "200k-newlines", "100k-dots"],
)
def test_blank_input(engine, known_ids, text):
    result = scan_checked(engine, text, known_ids)
    assert not result.mentions
    assert result.empty


@pytest.mark.parametrize("title", [None, "", "\x00" * 10, "Алесь Бяляцкі " * 1000])
@pytest.mark.parametrize("lang", [None, "", "be", "ru", "en", "pl", "xx", "BE", "de-AT"])
def test_odd_title_and_lang(engine, known_ids, title, lang):
    text = f"Палітвязня {NAME_BE} этапавалі ў калонію."
    result = scan_checked(engine, text, known_ids, title=title, lang=lang)
    # a title naming him a thousand times fills the fifty mentions reported before the text's one
    expect(result, occurrences(document_text(text, title), BIALIACKI, NAME_BE))


# ---------------------------------------------------------------------------------------------------
# Size


def test_five_megabytes_finds_names_throughout(engine, known_ids, filler):
    parts = []
    size = 0
    rounds = 0
    while size < 5_000_000:
        parts.append(filler)
        size += len(filler) + 2
        rounds += 1
    text = "\n\n".join(parts)
    planted = []
    for fraction, sentence in (
        (0.0, f"Палітвязня {NAME_BE} этапавалі ў калонію."),
        (0.5, f"Political prisoner {NAME_EN} was transferred to a penal colony."),
        (0.999, f"Политзаключённая Мария Колесникова объявила голодовку. {NAME_BE} таксама."),
    ):
        at = text.rfind("\n\n", 0, int(len(text) * fraction)) + 2 if fraction else 0
        text = text[:at] + sentence + "\n\n" + text[at:]
        planted.append(at)
    assert len(text) >= 5_000_000

    result = scan_checked(engine, text, known_ids)
    # each later sentence went in after the earlier ones, so the earlier offsets still hold
    assert planted[0] == 0 and planted[1] > len(text) * 0.4 and planted[2] > len(text) * 0.99
    kalesnikava = "Мария Колесникова"
    expect(
        result,
        {
            BIALIACKI: [
                (len("Палітвязня "), NAME_BE),
                (planted[1] + len("Political prisoner "), NAME_EN),
                (planted[2] + len(f"Политзаключённая {kalesnikava} объявила голодовку. "), NAME_BE),
            ],
            KALESNIKAVA: [(planted[2] + len("Политзаключённая "), kalesnikava)],
        },
    )


def test_ten_thousand_repeated_names_with_sentences(engine, known_ids):
    text = f"Палітвязень {NAME_BE} застаецца ў калоніі. " * 10_000
    result = scan_checked(engine, text, known_ids)
    expect(result, occurrences(text, BIALIACKI, NAME_BE))  # the first fifty


def test_ten_thousand_repeated_names_in_one_sentence(engine, known_ids):
    # No sentence boundary at all: per-mention work over "the sentence" must not turn quadratic.
    text = f"{NAME_BE} " * 10_000
    result = scan_checked(engine, text, known_ids)
    expect(result, occurrences(text, BIALIACKI, NAME_BE))  # the first fifty


def test_many_facility_patterns(engine, known_ids):
    unit = "ИК-1, калонія №9, penal colony No. 15, СИЗО-1, Валадарка; "
    planted = [
        ("ik-1-navapolack", "ИК-1"),
        ("ik-9-horki", "калонія №9"),
        ("ik-15-mahiliou", "penal colony No. 15"),
        ("sizo-1-minsk", "СИЗО-1"),
        ("sizo-1-minsk", "Валадарка"),
    ]
    text = unit * 5_000
    result = scan_checked(engine, text, known_ids)
    want: dict[str, list[tuple[int, int]]] = {}
    for k in range(5_000):
        for target, phrase in planted:
            start = k * len(unit) + unit.index(phrase)
            want.setdefault(target, []).append((start, start + len(phrase)))
    got: dict[str, list[tuple[int, int]]] = {}
    for m in result.mentions:
        got.setdefault(m.target, []).append((m.start, m.end))
    assert sorted(got) == sorted(want) and set(result.facilities) == set(want)
    for target, spans in want.items():
        spans = spans[:MAX_MENTIONS_PER_TARGET]  # the first fifty of each are reported
        assert len(got[target]) == len(spans), (target, len(got[target]))
        for (start, end), (phrase_start, phrase_end) in zip(
            sorted(got[target]), spans, strict=True
        ):
            # within the phrase and to its end ("colony No. 15" may leave out "penal")
            assert end == phrase_end and phrase_start <= start < end, (target, start, end)


@pytest.mark.parametrize(
    "token",
    ["а" * 100_000, "a" * 100_000, "Бяляцкі" * 15_000, "Bialiatski" * 10_000, "1" * 100_000,
     "Бяляцкі-" * 12_500, "ab" * 50_000 + " " + NAME_BE],
    ids=["cyr-100k", "lat-100k", "surname-glued", "latin-surname-glued", "digits", "hyphen-glued",
         "long-then-name"],
)  # fmt: skip
def test_very_long_tokens(engine, known_ids, token):
    result = scan_checked(engine, token, known_ids)
    # A surname inside a longer word is not a mention, nor is one of 12,500 hyphen-joined copies;
    # only the name after the 100,000-letter word is.
    expect(result, occurrences(token, BIALIACKI, NAME_BE))


# ---------------------------------------------------------------------------------------------------
# Junk and odd characters


def test_binary_junk(engine, known_ids):
    rng = random.Random(1)
    blob = bytes(rng.randrange(256) for _ in range(300_000))
    for text in (
        blob.decode("utf-8", errors="replace"),
        blob.decode("latin-1"),
        blob.decode("cp1251", errors="replace"),
        blob.decode("utf-16-le", errors="replace"),
    ):
        result = scan_checked(engine, text, known_ids)
        # Nobody is named in noise. (Facilities may be: the UTF-8 decoding holds "IK\ufffd\ufffd1",
        # which reads as IK-1.)
        assert not found(result), result.to_json()["mentions"][:5]


def test_junk_around_a_name(engine, known_ids):
    rng = random.Random(2)
    junk = bytes(rng.randrange(256) for _ in range(20_000)).decode("utf-8", errors="replace")
    text = f"{junk}\n\nПалітвязня {NAME_BE} этапавалі ў калонію.\n\n{junk}"
    result = scan_checked(engine, text, known_ids)
    expect(result, {BIALIACKI: [(len(junk) + len("\n\nПалітвязня "), NAME_BE)]})


def test_mojibake(engine, known_ids):
    # UTF-8 read as cp1251 ("РђР»РµСЃСЊ ...") no longer spells the name: nothing is found in it, and
    # a readable sentence after it still is.
    sentence = f"Палітвязня {NAME_BE} этапавалі."
    mojibake = sentence.encode().decode("cp1251", errors="replace") * 200
    result = scan_checked(engine, mojibake, known_ids)
    assert result.empty and not result.mentions
    result = scan_checked(engine, f"{mojibake}\n\n{sentence}", known_ids)
    expect(result, {BIALIACKI: [(len(mojibake) + 2 + len("Палітвязня "), NAME_BE)]})


def test_lone_surrogates(engine, known_ids):
    # json.loads accepts "\ud800", so a --jsonl line can carry lone surrogates.
    text = json.loads('"\\ud800 Палітвязня Алесь Бяляцкі этапавалі \\udfff\\udc80."')
    expect(scan_checked(engine, text, known_ids), {BIALIACKI: [(13, NAME_BE)]})
    assert not scan_checked(engine, "\ud800" * 10_000, known_ids).mentions


@pytest.mark.parametrize(
    "text",
    [
        f"Палітвязня\x00{NAME_BE}\x00этапавалі.",
        "\x00" * 100_000,
        f"\x00{NAME_BE}\x00" * 1_000,
        f"\x0b\x0c\x07{NAME_BE}\u2028\u2029\x1b",
        pytest.param(
            f"\x1b[31m{NAME_BE}\x1b[0m\x0b\x0c\x07\u2028\u2029",
            marks=xfail_missed(
                "the ANSI colour code's final 'm' glues to the first name ('mАлесь' is one word) "
                "and the surname alone, with no prisoner word near it, is not taken: nothing is found"
            ),
        ),
    ],
    ids=["nul-separated", "100k-nul", "nul-wrapped-repeated", "control-chars", "ansi-colour"],
)
def test_nul_and_control_characters(engine, known_ids, text):
    result = scan_checked(engine, text, known_ids)
    expect(result, occurrences(text, BIALIACKI, NAME_BE))


def test_mixed_scripts_in_a_word(engine, known_ids):
    # Latin letters inside a Cyrillic word (and back) change nothing: the same mentions as the text
    # in one script. The lone "Калеснікава" at the end, with no prisoner word near it, is not taken
    # in either spelling.
    text = "Бяlяцкі асуджаны. Aлесь Бяляцкі (Latin A). Bialiацкі. Калесnікава"
    clean = "Бяляцкі асуджаны. Алесь Бяляцкі (Latin A). Бяляцкі. Калеснікава"
    expect(
        scan_checked(engine, clean, known_ids),
        {BIALIACKI: [(0, "Бяляцкі"), (18, NAME_BE), (43, "Бяляцкі")]},
    )
    expect(
        scan_checked(engine, text, known_ids),
        {BIALIACKI: [(0, "Бяlяцкі"), (18, "Aлесь Бяляцкі"), (43, "Bialiацкі")]},
    )


def test_mixed_scripts_in_a_name(engine, known_ids):
    text = "Ales Бяляцкі і Алесь Bialiatski, Марыя Kalesnikava"
    result = scan_checked(engine, text, known_ids)
    expect(
        result,
        {
            BIALIACKI: [(0, "Ales Бяляцкі"), (15, "Алесь Bialiatski")],
            KALESNIKAVA: [(33, "Марыя Kalesnikava")],
        },
    )


def test_mixed_scripts_repeated(engine, known_ids):
    # a misspelt surname ("якц" for "яцк") glued to itself a thousand times names nobody
    result = scan_checked(engine, "Bялякцi" * 1000, known_ids)
    assert result.empty and not result.mentions


def test_html_fragments(engine, known_ids):
    text = (
        "<html><head><title>Навіны</title><script>var name = 'Алесь Бяляцкі'; if (a < b && c > d)"
        " { x = '<p>'; }</script><style>p { color: red }</style></head><body>"
        "<p>Палітвязня <b>Алесь</b> <i>Бяляцкі</i> этапавалі ў <a href='/ik-9'>калонію №9</a>.</p>"
        "<p>Политзаключённый&nbsp;Алесь&#160;Беляцкий &amp; &lt;script&gt; &#x41B;</p><!-- Бяляцкі -->"
        "<![CDATA[ Алесь Бяляцкі ]]><div><div><div></p></b></body>"
    )
    result = scan_checked(engine, text, known_ids)
    # The engine reads text, not markup: what html_to_text would keep must be found (names inside
    # the script, the comment and CDATA may be found too), and no mention spans a tag.
    visible = text.index("<i>Бяляцкі</i>") + len("<i>")
    russian = text.index("Беляцкий")
    colony = text.index("калонію №9")
    expect(
        result,
        {
            BIALIACKI: [(visible, "Бяляцкі"), (russian, "Беляцкий")],
            "ik-9-horki": [(colony, "калонію №9")],
        },
        exact=False,
    )
    for m in result.mentions:
        assert "<" not in m.text and ">" not in m.text


def test_deep_html(engine, known_ids):
    text = "<div>" * 50_000 + f"<p>Палітвязня {NAME_BE} этапавалі.</p>" + "</div>" * 50_000
    expect(scan_checked(engine, text, known_ids), {BIALIACKI: [(250_014, NAME_BE)]})
    result = scan_checked(engine, "<script>" + "a<b>c" * 40_000 + "</script>", known_ids)
    assert result.empty and not result.mentions


STRESSED = "Бяля\u0301цкі"
INVISIBLE = ["Бяля\u00adцкі", "Бяля\u200bцкі", "Бяля\u200dцкі", "Бяля\ufe0fцкі"]
COMBINING_LATIN = ["Ales\u0301 Bialiacki", "Alies\u030c B\u0301ialiacki"]
# Python's \w (the engine's tokens) takes no combining mark (Mn) and no format character (Cf): a
# stress mark, a soft hyphen or a zero-width character inside a word cuts it in two, so
# "Бяля́цкі" is read as "Бяля" + "цкі" and nothing is found.
CUT_IN_TWO = (
    "a combining mark or an invisible format character inside a word cuts it in two "
    "(TOKEN_RE is \\w+): the name is not found"
)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (f"{NAME_BE} 👍🏽🇧🇾 🙏 👨‍👩‍👧‍👦 палітвязень ✊️", [NAME_BE]),
        ("👍🏽" * 50_000, []),
        pytest.param(f"{STRESSED} і Але\u0301сь {NAME_BE} (націск)", [STRESSED, NAME_BE],
                     marks=xfail_missed(CUT_IN_TWO)),
        pytest.param(" i ".join(COMBINING_LATIN), COMBINING_LATIN,
                     marks=xfail_missed(CUT_IN_TWO)),
        ("e\u0301" * 50_000, []),
        ("a" + "\u0301" * 100_000, []),
        pytest.param(", ".join(INVISIBLE) + f", {NAME_BE}\u00ad", [*INVISIBLE, NAME_BE],
                     marks=xfail_missed(CUT_IN_TWO)),
    ],
    ids=["emoji", "100k-emoji", "stress-marks", "latin-combining", "combining-repeated",
         "100k-combining-one-letter", "invisible-in-word"],
)  # fmt: skip
def test_emoji_and_combining_marks(engine, known_ids, text, names):
    result = scan_checked(engine, text, known_ids)
    expect(result, occurrences(text, BIALIACKI, *names))


@pytest.mark.parametrize(
    "text",
    [
        f"قال المحامي إن {NAME_BE} نُقل إلى مستعمرة عقابية. שלום {NAME_EN} עבר לכלא.",
        f"\u202e{NAME_BE}\u202c и \u202b{NAME_EN}\u202c \u200f\u200e",
        "مرحبا بالعالم " * 20_000,
    ],
    ids=["arabic-hebrew", "bidi-controls", "rtl-large"],
)
def test_rtl(engine, known_ids, text):
    result = scan_checked(engine, text, known_ids)
    expect(result, occurrences(text, BIALIACKI, NAME_BE, NAME_EN))


@pytest.mark.parametrize(
    "prefix",
    ["İ" * 1_000, "ẞß" * 500, "ﬁﬂ" * 500, "ΣΑΣ ΟΔΟΣ " * 200, "ŉǰ" * 500, "Ǆǅǆ" * 300],
    ids=["dotted-I", "sharp-s", "ligatures", "greek-sigma", "expanding", "digraphs"],
)
def test_case_mapping_that_changes_length(engine, known_ids, prefix):
    # str.lower()/casefold() change the length of these; offsets must still index the original text.
    text = f"{prefix} Палітвязня {NAME_BE} этапавалі ў калонію. {prefix} {NAME_EN} {prefix}"
    result = scan_checked(engine, text, known_ids)
    expect(result, occurrences(text, BIALIACKI, NAME_BE, NAME_EN))


@pytest.fixture(scope="module")
def generated(engine, known_ids, people):
    """Realistic documents naming generated prisoners (and facilities), each with its scan."""
    facilities = list(bundled_facilities())
    docs = make_documents(people, facilities, 60, seed=9, named_share=1.0, facility_share=0.5)
    return [
        (doc, scan_checked(engine, doc.text, known_ids, title=doc.title, lang=doc.lang))
        for doc in docs
    ]


def test_every_generated_document_names_its_prisoners(generated):
    # Every planted prisoner is found, and nobody else: the filler names nobody.
    wrong = [
        (doc.planted, found(result)) for doc, result in generated if found(result) != doc.planted
    ]
    planted = sum(len(doc.planted) for doc, _ in generated)
    assert planted >= 60 and not wrong, f"{len(wrong)} documents of {len(generated)}: {wrong[:5]}"


@xfail_missed(
    "10 of 67 planted facilities missed. 'pre-trial detention centre No. 1 in Minsk' is read as "
    "Akrestsina's detention centre; 'ST-1' is not taken even after 'Палітвязня ... этапавалі ў'; "
    "and numbered facilities found when their sentence is scanned alone are lost in the whole "
    "document ('SIZO-2', 'Prison No. 8', 'калонію №15', 'калонію №5 у горадзе Івацэвічы', "
    "'тюрьму №1', 'исправительную колонию №11 в городе Волковыск', 'aresztu śledczego nr 7', "
    "'kolonii nr 5 w mieście Ivacevičy')"
)
def test_every_generated_document_names_its_facilities(generated):
    by_id = {f.id: f for f in bundled_facilities()}
    missed = []
    for doc, result in generated:
        for fid in sorted(doc.planted_facilities - set(result.facilities)):
            facility = by_id[fid]
            twins = [
                f.id
                for f in by_id.values()
                if f.id != fid and (f.kind, f.number) == (facility.kind, facility.number)
            ]
            if twins:
                # The generator names the juvenile colony No. 2 with the adult colony's phrases
                # ("ИК-2", "penal colony No. 2"), which mean ik-2-babrujsk: that is what is found.
                assert set(twins) & set(result.facilities), (fid, result.facilities)
                continue
            bare = _FACILITY_SENTENCE[doc.lang]
            if any(bare.format(facility=nick) in doc.text for nick in facility.nicknames):
                # A nickname ("десятка", "Валадарка") counts only near a prison word, by design;
                # the generator's bare "conditions in X remain harsh" has none.
                continue
            missed.append((doc.lang, fid))
    planted = sum(len(doc.planted_facilities) for doc, _ in generated)
    if missed:
        raise Missed(f"{len(missed)} of {planted} planted facilities missed: {missed}")
