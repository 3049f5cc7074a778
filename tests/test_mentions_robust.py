"""Bad input never crashes the mention engine, and its time and output stay bounded.

Every case checks the result's shape: each mention's ``start``/``end`` index the string the engine
documents, ``document_text(text, title)`` (the text itself when there is no title), so
``doc[m.start:m.end] == m.text``; ids are registry ids, the summary is at most 600 characters and its
spans index it. Time is bounded with generous budgets, never tight ones: a scan may take at most
``FACTOR`` times a plain ``str.split()`` pass over the same text (measured in the same test), with a floor
of several seconds, so a slow machine scales both sides and only a blow-up (quadratic work, regex
backtracking) fails.
"""

from __future__ import annotations

import json
import random
import time

import pytest

from bench.mention_speed import make_documents
from feeds.mentions.models import ScanResult
from feeds.registry.bundled import bundled_facilities
from feeds.registry.models import Gender, Prisoner
from testkit.namegen import generate_people

try:
    from feeds.mentions import compile_registry, document_text
except ImportError:  # the engine is being written; these tests start running when it lands
    pytest.skip("feeds.mentions.compile_registry does not exist yet", allow_module_level=True)

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
    assert BIALIACKI in found(result)


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
    assert {BIALIACKI, KALESNIKAVA} <= found(result)
    starts = sorted(m.start for m in result.mentions if m.target == BIALIACKI)
    assert starts[0] < 1000, "the name at the start was missed"
    assert any(s > len(text) * 0.99 for s in starts), "the name at the end was missed"


def test_ten_thousand_repeated_names_with_sentences(engine, known_ids):
    text = f"Палітвязень {NAME_BE} застаецца ў калоніі. " * 10_000
    result = scan_checked(engine, text, known_ids)
    assert BIALIACKI in found(result)


def test_ten_thousand_repeated_names_in_one_sentence(engine, known_ids):
    # No sentence boundary at all: per-mention work over "the sentence" must not turn quadratic.
    text = f"{NAME_BE} " * 10_000
    result = scan_checked(engine, text, known_ids)
    assert BIALIACKI in found(result)


def test_many_facility_patterns(engine, known_ids):
    text = "ИК-1, калонія №9, penal colony No. 15, СИЗО-1, Валадарка; " * 5_000
    scan_checked(engine, text, known_ids)


@pytest.mark.parametrize(
    "token",
    ["а" * 100_000, "a" * 100_000, "Бяляцкі" * 15_000, "Bialiatski" * 10_000, "1" * 100_000,
     "Бяляцкі-" * 12_500, "ab" * 50_000 + " " + NAME_BE],
    ids=["cyr-100k", "lat-100k", "surname-glued", "latin-surname-glued", "digits", "hyphen-glued",
         "long-then-name"],
)  # fmt: skip
def test_very_long_tokens(engine, known_ids, token):
    result = scan_checked(engine, token, known_ids)
    if token.startswith("Бяляцкі" * 2) and "-" not in token:
        assert BIALIACKI not in found(result), "a surname inside a longer word is not a mention"


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
        scan_checked(engine, text, known_ids)


def test_junk_around_a_name(engine, known_ids):
    rng = random.Random(2)
    junk = bytes(rng.randrange(256) for _ in range(20_000)).decode("utf-8", errors="replace")
    text = f"{junk}\n\nПалітвязня {NAME_BE} этапавалі ў калонію.\n\n{junk}"
    result = scan_checked(engine, text, known_ids)
    assert BIALIACKI in found(result)


def test_mojibake(engine, known_ids):
    text = f"Палітвязня {NAME_BE} этапавалі.".encode().decode("cp1251", errors="replace") * 200
    scan_checked(engine, text, known_ids)


def test_lone_surrogates(engine, known_ids):
    # json.loads accepts "\ud800", so a --jsonl line can carry lone surrogates.
    text = json.loads('"\\ud800 Палітвязня Алесь Бяляцкі этапавалі \\udfff\\udc80."')
    scan_checked(engine, text, known_ids)
    scan_checked(engine, "\ud800" * 10_000, known_ids)


@pytest.mark.parametrize(
    "text",
    [
        f"Палітвязня\x00{NAME_BE}\x00этапавалі.",
        "\x00" * 100_000,
        f"\x00{NAME_BE}\x00" * 1_000,
        f"\x1b[31m{NAME_BE}\x1b[0m\x0b\x0c\x07\u2028\u2029",
    ],
    ids=["nul-separated", "100k-nul", "nul-wrapped-repeated", "control-chars"],
)
def test_nul_and_control_characters(engine, known_ids, text):
    scan_checked(engine, text, known_ids)


@pytest.mark.parametrize(
    "text",
    [
        "Бяlяцкі асуджаны. Aлесь Бяляцкі (Latin A). Bialiацкі. Калесnікава",
        "Ales Бяляцкі і Алесь Bialiatski, Марыя Kalesnikava",
        "Bялякцi" * 1000,
    ],
    ids=["mixed-in-word", "mixed-in-name", "mixed-repeated"],
)
def test_mixed_scripts(engine, known_ids, text):
    scan_checked(engine, text, known_ids)


def test_html_fragments(engine, known_ids):
    text = (
        "<html><head><title>Навіны</title><script>var name = 'Алесь Бяляцкі'; if (a < b && c > d)"
        " { x = '<p>'; }</script><style>p { color: red }</style></head><body>"
        "<p>Палітвязня <b>Алесь</b> <i>Бяляцкі</i> этапавалі ў <a href='/ik-9'>калонію №9</a>.</p>"
        "<p>Политзаключённый&nbsp;Алесь&#160;Беляцкий &amp; &lt;script&gt; &#x41B;</p><!-- Бяляцкі -->"
        "<![CDATA[ Алесь Бяляцкі ]]><div><div><div></p></b></body>"
    )
    result = scan_checked(engine, text, known_ids)
    if BIALIACKI in found(result):
        for m in result.mentions:
            assert "<" not in m.text and ">" not in m.text


def test_deep_html(engine, known_ids):
    text = "<div>" * 50_000 + f"<p>Палітвязня {NAME_BE} этапавалі.</p>" + "</div>" * 50_000
    scan_checked(engine, text, known_ids)
    scan_checked(engine, "<script>" + "a<b>c" * 40_000 + "</script>", known_ids)


@pytest.mark.parametrize(
    "text",
    [
        f"{NAME_BE} 👍🏽🇧🇾 🙏 👨‍👩‍👧‍👦 палітвязень ✊️",
        "👍🏽" * 50_000,
        f"Бяля\u0301цкі і Але\u0301сь {NAME_BE} (націск)",
        "Ales\u0301 Bialiacki i Alies\u030c B\u0301ialiacki",
        "e\u0301" * 50_000,
        "a" + "\u0301" * 100_000,
        f"Бяля\u00adцкі, Бяля\u200bцкі, Бяля\u200dцкі, Бяля\ufe0fцкі, {NAME_BE}\u00ad",
    ],
    ids=["emoji", "100k-emoji", "stress-marks", "latin-combining", "combining-repeated",
         "100k-combining-one-letter", "invisible-in-word"],
)  # fmt: skip
def test_emoji_and_combining_marks(engine, known_ids, text):
    scan_checked(engine, text, known_ids)


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
    scan_checked(engine, text, known_ids)


@pytest.mark.parametrize(
    "prefix",
    ["İ" * 1_000, "ẞß" * 500, "ﬁﬂ" * 500, "ΣΑΣ ΟΔΟΣ " * 200, "ŉǰ" * 500, "Ǆǅǆ" * 300],
    ids=["dotted-I", "sharp-s", "ligatures", "greek-sigma", "expanding", "digraphs"],
)
def test_case_mapping_that_changes_length(engine, known_ids, prefix):
    # str.lower()/casefold() change the length of these; offsets must still index the original text.
    text = f"{prefix} Палітвязня {NAME_BE} этапавалі ў калонію. {prefix} {NAME_EN} {prefix}"
    result = scan_checked(engine, text, known_ids)
    assert BIALIACKI in found(result)
    for m in result.mentions:
        if m.target == BIALIACKI:
            assert "Бяляцк" in m.text or "Bialiatski" in m.text, m.text


def test_every_generated_document(engine, known_ids, people):
    # Realistic documents naming generated prisoners: offsets valid, planted people found.
    facilities = list(bundled_facilities())
    docs = make_documents(people, facilities, 60, seed=9, named_share=1.0, facility_share=0.5)
    missed = 0
    for doc in docs:
        result = scan_checked(engine, doc.text, known_ids, title=doc.title, lang=doc.lang)
        missed += len(doc.planted - found(result))
    planted = sum(len(d.planted) for d in docs)
    assert missed <= planted // 2, f"{missed} of {planted} planted prisoners missed"
