"""Name search for inline mode, /subscribe, /status and ``registry show``: cross-script, as-you-type.

``SearchIndex.build(targets)`` once per registry version; ``index.search(query)`` per keystroke. Pure,
no I/O; the index is immutable after ``build`` and ``search`` keeps its state in locals, so one index
serves any number of threads.

How a query meets a name
    Every name word of a target (first names, surnames, aliases; a facility's towns in every spelling,
    nicknames, short forms, kind words, number) is keyed with ``skeleton`` and ``cyrillic_variants``
    (``feeds.mentions.scripts``), so Бяляцкі, Bialiatski, Białacki and Bjaljacki share one key, and
    then "vowel-folded" (o, e -> a): the Belarusian and Russian forms of one name differ mostly by
    akanye (Калеснікава / Колесникова, Лойка / Лойко, Чапюк / Чепюк), and the fold lets "беляцк" and
    "Kolesnikova" hit the Belarusian form too. A query word then matches a name word

    - exactly (same key),
    - inflected: the query key is a stem of the name word plus an ending that word takes
      (``feeds.mentions.forms``: Бяляцкага, Калеснікавай, Kalesnikowej, калоніі),
    - as a prefix of the key (as-you-type: "bial", "Бяляц"),
    - fuzzily, only when nothing matched otherwise: Levenshtein distance 1 for words of 5+ letters,
      2 for 9+, a swap of two letters counting as one (rapidfuzz OSA): "Bailiatski", "Kolesnikva".

    Every query word must match some word of the target (AND, any order). A prisoner's first name also
    brings its equivalents from ``lexicon.FIRST_NAME_GROUPS`` (Aleś for Aliaksandr, Nasta for
    Anastasija), ranked below the name as written.

Ranking (``Hit.score``; higher is better; the integer part is the tier)
    5 exact full name (a surname-like and a first-name-like word, both exact or inflected, no prefix),
    4 exact surname, 3 surname prefix, 2 first name only, 1 anything fuzzy. Facilities rank alike:
    towns, nicknames and the number count as surnames, kind words (ИК, colony, СИЗО...) as first names,
    so "ИК-9" and "Horki colony" are tier 5, "Горки" tier 4, "колония" tier 2. The fraction orders within
    a tier (exact over inflected over prefix, the longer share of the word typed, the name as written
    over a vowel-folded or equivalent form). Ties: in custody first, then display name, then id.

Decisions
    - A query made only of numbers (and fillers such as "No.") finds nothing: "9" is no name, and
      listing every facility numbered 9 in a name search would only be noise. Numbers match exactly,
      never as prefixes, and only a facility's number.
    - Fillers ("No.", "nr", "in", "в", "penal", ...: ``lexicon.NUMBER_FILLERS`` and ``TOWN_FILLERS``)
      are dropped from a query that has other words.
    - Hostile input: at most ``MAX_QUERY_CHARS`` characters and ``MAX_QUERY_WORDS`` words are read;
      anything that is not a letter or digit (HTML, emoji, NUL) is a separator; words without a key
      (RTL scripts, symbols) are dropped. An empty query finds nothing.
    - A later target with an id already seen replaces the earlier one.

Modules
    ``index`` (``SearchIndex``, ``Hit``: build and search), ``words`` (a name word's keys and stems,
    a target's words and their roles), ``vocabulary`` (facility kind words, labels, first-name
    groups), ``query`` (a typed query as tokens), ``scoring`` (what a match is worth, tiers, which
    words to keep). Names with a leading underscore are shared between these modules only.
"""
