"""Names across scripts, in one place: the cross-script "skeleton" key and the spellings presses
give one Cyrillic word (``skeleton``), the folding of word lists and sentences (``folding``), and
romanization (``romanize``). The engine, search and the benches all import from here.
"""

from feeds.mentions.scripts.folding import (
    alternatives,
    fold,
    fold_pattern,
    lacinka,
    mark_runs,
    script_alternations,
    scripts_of,
    word_start_alternatives,
)
from feeds.mentions.scripts.romanize import romanize_national, romanize_polish, romanize_press
from feeds.mentions.scripts.skeleton import (
    MAX_TOKEN,
    PATRONYMIC,
    TOKEN_RE,
    cyrillic_variants,
    is_patronymic,
    is_upper_initial,
    skeleton,
    vowel_fold,
)

__all__ = [
    "MAX_TOKEN",
    "PATRONYMIC",
    "TOKEN_RE",
    "alternatives",
    "cyrillic_variants",
    "fold",
    "fold_pattern",
    "is_patronymic",
    "is_upper_initial",
    "lacinka",
    "mark_runs",
    "romanize_national",
    "romanize_polish",
    "romanize_press",
    "script_alternations",
    "scripts_of",
    "skeleton",
    "vowel_fold",
    "word_start_alternatives",
]
