"""What happened: multilingual cue stems per event type, matched in one sentence at a time.

Sentences are folded first (lower case, diacritics, ё/й/ў, ł) so one stem covers be/ru/uk/pl/en/de
spellings: "этапировали"/"этапавалі"/"przewieziony"/"transferred" all land on ``transfer``. A cue
right after a negation ("not freed", "не освобождён", "refused to ...") does not count.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from feeds.mentions.models import EventType as E

_FOLD = str.maketrans({"ł": "l", "ё": "е", "й": "и", "ў": "у", "’": "'", "ʼ": "'", "ß": "ss"})


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower case without diacritics; same length as ``text`` is not promised."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    return "".join(c for c in text if not unicodedata.combining(c))


_LACINKA = {
    "а": "a", "б": "b", "в": "v", "г": "h", "д": "d", "ж": "z", "з": "z", "і": "i", "и": "i",
    "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ў": "u", "ф": "f", "х": "ch", "ц": "c", "ч": "c", "ш": "s", "щ": "sc",
    "ы": "y", "ь": "", "ъ": "", "э": "e", "'": "j", "’": "j",
}  # fmt: skip
_IOTATED = {"е": "e", "ё": "o", "ю": "u", "я": "a"}
_CYR_LETTER = re.compile(r"[а-яёіўє]")


def lacinka(cue: str) -> str:
    """A Cyrillic cue (regex fragment) as folded Łacinka reads it: "памёр" -> "pamior",
    "перавялі" -> "pieraviali", "галадоўк" -> "haladouk". Regex syntax passes through."""
    out: list[str] = []
    prev = ""
    for char in cue.lower():
        if char in _IOTATED:
            soft = prev and (_CYR_LETTER.match(prev) and prev not in "аеёіоуўыэюяь'’")
            # Łacinka writes л+я as "la" (ł+a is ла): no i after l
            out.append(("" if prev == "л" else "i" if soft else "j") + _IOTATED[char])
        else:
            out.append(_LACINKA.get(char, char))
        prev = char
    return "".join(out)


def alternatives(cues) -> str:
    """One regex alternation of the cues, folded, plus their Łacinka readings."""
    forms: dict[str, None] = {}
    for cue in cues:
        forms[fold(cue)] = None
        if _CYR_LETTER.search(cue.lower()):
            forms[lacinka(cue)] = None
    return "|".join(forms)


# Each cue is a regex fragment matched at a word start (\b added). Keep them stems.
CUES: dict[E, tuple[str, ...]] = {
    E.ARREST: (
        r"arrest(?:ed|s)?\b",
        r"detained",
        r"taken into custody",
        r"re-?arrested",
        r"задержа(?:н|л|ни)",
        r"арестова",
        r"взят\w* под стражу",
        r"взяли под стражу",
        r"затрыма(?:н|л)",
        r"арыштава",
        r"узял\w* пад варту",
        r"zatrzyma(?:n|l)",
        r"aresztowa",
        r"festgenommen",
        r"verhaftet",
        r"затрима",
        r"заарештова",
    ),
    E.CHARGED: (
        r"charged",
        r"charges?\b",
        r"indicted",
        r"accused of",
        r"обвинени",
        r"обвиня",
        r"предъявил\w* обвинени",
        r"абвінавачва",
        r"абвінавача",
        r"абвінавачан",
        r"zarzut",
        r"oskarzon",
        r"oskarza",
        r"angeklagt",
        r"anklage",
        r"обвинувач",
    ),
    E.TRIAL: (
        r"trial\b",
        r"trials\b",
        r"hearing",
        r"in absentia",
        r"court session",
        r"суд над",
        r"суд\w* начал",
        r"начал\w* суд",
        r"судебн\w* (?:заседани|процесс)",
        r"процесс",
        r"заседани",
        r"заочн",
        r"спецпроизводств",
        r"суд пачаў",
        r"пачаў\w* суд",
        r"працэс",
        r"паседжан",
        r"завочн",
        r"proces\b",
        r"procesu",
        r"rozpraw",
        r"zaoczn",
        r"prozess",
        r"gerichtsverfahren",
        r"verfahren",
        r"verhandlung",
        r"судов\w* засідан",
    ),
    E.SENTENCED: (
        r"sentenced",
        r"jailed for",
        r"handed (?:a|an) \w+(?:-year)? (?:sentence|term)",
        r"given \w+ years",
        r"приговор(?:ил|или|ила|ен|ён|ена|ены)\b",
        r"осужд(?:ен|ён|ена|ены)\b",
        r"осудил",
        r"асуджан(?:ы|а|ая)?\b",
        r"асудзіл",
        r"прысудзіл",
        r"прысудзі",
        r"skazan(?:y|a|i)?\b",
        r"skazal",
        r"wyrok\b",
        r"verurteil",
        r"засуджен",
        r"засудил",
    ),
    E.APPEAL: (
        r"appeal",
        r"upheld",
        r"cassation",
        r"entered into (?:legal )?force",
        r"апелляци",
        r"кассаци",
        r"вступил\w* в (?:законную )?силу",
        r"оставил\w* в силе",
        r"апеляцы",
        r"апеляці",
        r"касацы",
        r"уступіў\w* у сілу",
        r"пакінуў\w* у сіле",
        r"apelac",
        r"kasac",
        r"uprawomocni",
        r"berufung",
        r"revision",
    ),
    E.TRANSFER: (
        r"transferred",
        r"transfer to",
        r"moved (?:\w+ )?(?:from|to|back|there)",
        r"returned to (?:the |a )?(?:penal|colony|prison|pre-?trial|remand)",
        r"(?:was|been) returned to",
        r"sent to (?:a |the )?(?:penal|colony|prison|pre-?trial)",
        r"taken (?:from \w+ )?to (?:a |the )?(?:penal|colony|prison|pre-?trial|remand)",
        r"convoy",
        r"etap\b",
        r"etapie",
        r"этап",
        r"переведен",
        r"переведён",
        r"перевел",
        r"перевез",
        r"достав(?:лен|ил)\w* в (?:колони|сизо|тюрьм|ик|изолятор)",
        r"возвращ(?:ен|ён|ена)",
        r"вернули в (?:колони|ик|тюрьм|сизо)",
        r"вярнулі ў",
        r"вярнулі у",
        r"wrocil\w* do (?:kolonii|wiezienia|aresztu)",
        r"етап",
        r"етапува",
        r"перавед",
        r"перавял",
        r"перавез",
        r"przewiezi",
        r"przeniesion",
        r"trafil\w* do (?:kolonii|wiezienia|aresztu)",
        r"verlegt",
        r"uberstellt",
        r"verbracht",
        r"етапова",
        r"переведено",
    ),
    E.PUNISHMENT_CELL: (
        r"sh?izo",
        r"s?hizo",
        r"шизо",
        r"шiза",
        r"шіза",
        r"sizа",
        r"punishment cell",
        r"punitive (?:confinement|isolation|cell)",
        r"solitary",
        r"cell-type",
        r"pkt\b",
        r"пкт\b",
        r"камерного типа",
        r"камернага тыпу",
        r"штрафн\w* изолятор",
        r"штрафн\w* ізалятар",
        r"карцер",
        r"karcer",
        r"izolatk",
        r"strafzelle",
        r"einzelhaft",
        r"штрафн\w* ізолятор",
    ),
    E.INCOMMUNICADO: (
        r"incommunicado",
        r"инкоммуникадо",
        r"інкамунікада",
        r"інкамунікадо",
        r"no letters",
        r"(?:single|any) letters?",
        r"no (?:contact|news|word)",
        r"denied access",
        r"(?:lawyer|attorney)s? (?:has|have|had|was|were) (?:not|been denied)",
        r"not been (?:seen|heard)",
        r"без связи",
        r"нет (?:писем|связи|информации|вестей)",
        r"ни одного письма",
        r"писем не",
        r"не (?:получа|доход|приход)\w*(?: \w+){0,3} пис",
        r"лишен\w* (?:свидани|звонк|передач|переписк)",
        r"не пуска\w* адвокат",
        r"няма (?:лістоў|сувязі|звестак)",
        r"ніводнага ліста",
        r"лістоў не",
        r"не (?:атрымлiва|атрымліва|даходз)\w*(?: \w+){0,3} ліст",
        r"пазбаўлен\w* (?:спатканн|званк|перадач)",
        r"bez (?:kontaktu|listow|wiesci)",
        r"brak (?:kontaktu|listow|wiesci|informacji)",
        r"zadnego listu",
        r"kein(?:en)? kontakt",
        r"keine briefe",
        r"контактн\w* изоляц",
        r"(?:no|none of the|not a single|no more) (?:letters?|postcards?|calls?|visits?)",
        r"none had been handed",
        r"not (?:been )?allowed (?:a |any )?(?:phone|call|visit|letter|lawyer|meeting)",
        r"phone calls?",
        r"turned away",
        r"(?:denied|refused) (?:a |any )?(?:visits?|access|meetings?|calls?)",
        r"unable to (?:see|visit|contact|reach)",
        r"in isolation",
        r"nothing (?:is|has been) (?:known|heard)",
        r"whereabouts",
        r"отказа\w* в свидани",
        r"свидани",
        r"звонк",
        r"последнее письмо",
        r"не пуска",
        r"в (?:полной )?изоляции",
        r"ничего не известно",
        r"связи (?:с ним |с ней )?нет",
        r"ни писем",
        r"ни встреч",
        r"ліст\w*(?: \w+){0,4} (?:не прыходз|не даходз|рэдка)",
        r"не (?:прыходз|даходз)",
        r"у ізаляцыі",
        r"нічога не вядома",
        r"не вядома нічога",
        r"забаранілі (?:пасылкі|перадачы|спатканн|званк)",
        r"не паказва\w* (?:ні )?адвакат",
        r"спатканн",
        r"званк",
        r"odmowion\w* widzeni",
        r"widzeni",
        r"dzwonic",
        r"nie otrzymuje\w* listow",
        r"nie ma z ni\w* kontaktu",
        r"wracaja do nadawc",
        r"zaden adwokat",
        r"nie odwiedzi",
        r"w izolacji",
        r"keine\w* kontakt",
        r"einzelhaft",
        r"kontaktsperre",
        r"ізоляці",
        r"побачен",
        r"не пускають",
    ),
    E.HEALTH: (
        r"hospital",
        r"health",
        r"surgery",
        r"medical (?:care|help|treatment|aid)",
        r"ill\b",
        r"illness",
        r"госпитализ",
        r"больниц",
        r"здоровь",
        r"болезн",
        r"операци",
        r"медицинск\w* помощ",
        r"шпіталізава",
        r"бальніц",
        r"здароў",
        r"хвароб",
        r"медычн",
        r"szpital",
        r"zdrowi",
        r"chorob",
        r"krankenhaus",
        r"gesundheit",
        r"лікарн",
        r"здоров'я",
        r"tuberculosis",
        r"туберкул",
        r"stroke",
        r"инсульт",
        r"інсульт",
        r"heart attack",
        r"инфаркт",
        r"інфаркт",
        r"cancer",
        r"онколог",
        r"rak\b",
        r"lost weight",
        r"thinner",
        r"emaciated",
        r"похудел",
        r"схуднел",
        r"схуднеў",
        r"abgemagert",
        r"suffers? from",
        r"хварэ",
        r"пнеўман",
        r"пневмон",
        r"лячэнн",
        r"лечени",
        r"лечыцца",
        r"опухол",
        r"пухлін",
        r"лякарн",
        r"шпітал",
        r"страці\w* прытомн",
        r"потерял\w* сознани",
        r"аперацы",
        r"сэрц",
        r"сердц",
        r"медыцынск",
        r"жалу\w* на (?:холод|боли|здоров|сердц)",
        r"скаржиться на",
        r"скардзіцца на",
        r"constant cold",
        r"nie mog\w* chodzic",
        r"не мог ходить",
        r"не мог хадзіць",
        r"ulcer",
        r"язв",
    ),
    E.HUNGER_STRIKE: (
        r"hunger strike",
        r"hunger-strike",
        r"голодовк",
        r"галадоўк",
        r"галадоуц",
        r"strajk\w* glodow",
        r"glodowk",
        r"hungerstreik",
        r"голодуван",
        r"self-harm",
        r"нан[её]с себе",
        r"okaleczy",
    ),
    E.NEW_CASE: (
        r"new (?:criminal )?(?:case|charges?)",
        r"another criminal case",
        r"article 411",
        r"411",
        r"нов\w* (?:уголовн\w* )?дел",
        r"ещё одно дело",
        r"еще одно дело",
        r"нов\w* (?:крымінальн\w* )?справ",
        r"яшчэ адн\w* (?:крымінальн\w* )?справ",
        r"now\w* spraw",
        r"kolejn\w* spraw",
        r"kolejne zarzuty",
        r"neues verfahren",
        r"нов\w* (?:кримінальн\w* )?справ",
    ),
    E.RELEASED: (
        r"released\b",
        r"freed\b",
        r"walked free",
        r"set free",
        r"served (?:his|her|the) (?:full )?(?:term|sentence)",
        r"left the (?:colony|prison)",
        r"вышел на свобод",
        r"вышла на свобод",
        r"освобожд(?:ен|ён|ена|ены)\b",
        r"освободил",
        r"отбыл\w* (?:весь |полный )?срок",
        r"вызвален(?:ы|а|ая)?\b",
        r"вызваліл",
        r"вызваліў",
        r"выйш\w* на (?:волю|свабоду)",
        r"адбыў\w* (?:увесь )?тэрмін",
        r"uwolnion(?:y|a|o)?\b",
        r"uwolnil",
        r"wyszedl\w* na wolnosc",
        r"wyszla na wolnosc",
        r"zwolnion(?:y|a|o)?\b",
        r"freigelassen",
        r"freigekommen",
        r"вийш\w* на волю",
        r"звільнен",
    ),
    E.RELEASED_EXPELLED: (
        r"deported",
        r"expelled",
        r"deportation",
        r"forced (?:out|to leave)",
        r"taken (?:out )?(?:to|across) (?:lithuania|ukraine|poland|latvia|the border)",
        r"taken abroad",
        r"вывезен",
        r"вывезли",
        r"депортирова",
        r"выдворен",
        r"выслан",
        r"вывезлі",
        r"дэпартава",
        r"выслалі",
        r"deportowan",
        r"wywiezion",
        r"wydalon",
        r"ausgewiesen",
        r"abgeschoben",
        r"депортова",
        r"вивез",
    ),
    E.PARDONED: (
        r"pardoned",
        r"pardons\b",
        r"помилова(?:н|л)",
        r"помиловани\w* (?:подписал|указ)",
        r"памілава(?:н|ў|л)",
        r"ulaskawi(?:on|l)",
        r"begnadigt",
        r"помилува",
    ),
    E.DIED: (
        r"died",
        r"death of",
        r"dies\b",
        r"passed away",
        r"умер\b",
        r"умерла",
        r"скончал",
        r"погиб",
        r"смерть",
        r"смерти",
        r"памёр\b",
        r"памерла",
        r"смерць",
        r"смерці",
        r"загінуў",
        r"zmarl",
        r"smierc",
        r"gestorben",
        r"starb",
        r"помер",
    ),
    E.LISTED_EXTREMIST: (
        r"extremist",
        r"экстремист",
        r"экстрэміс",
        r"ekstremist",
        r"екстреміст",
    ),
    E.LISTED_TERRORIST: (
        r"terrorist",
        r"террорист",
        r"тэрарыст",
        r"terroryst",
        r"терорист",
    ),
    E.RECOGNIZED_POLITICAL_PRISONER: (
        r"recogni[sz]ed (?:him |her |them )?as (?:a )?political prisoner",
        r"declared (?:him |her )?(?:a )?political prisoner",
        r"признан\w* политзаключ",
        r"признал\w* (?:его |ее |её )?политзаключ",
        r"признан\w* политическ\w* заключ",
        r"прызнан\w* палітвязн",
        r"прызнал\w* (?:яго |яе )?палітвязн",
        r"uznan\w* (?:go |ja )?za wiezni",
        r"uzna\w* (?:go |ja )?za wiezni",
        r"als politische\w* gefangene\w* anerkannt",
        r"визнан\w* політв",
    ),
}

# The list events need the list word too: "extremist" alone is not being listed.
_LIST_WORDS = re.compile(
    r"\b(?:list|register|registry|перечень|перечн|список|спис|пералік|lista|liste)", re.I
)

_NEGATION = re.compile(
    r"(?:\bне|\bні|\bnot|\bnever|n't|\bno|\bnie|\bnicht|\bkein\w*|\brefus\w*|\bdeclin\w*"
    r"|\bотказ\w*|\bадмов\w*|\bodmow\w*|\bwithout|\bбез)\s+(?:[\w'-]+\s+){0,2}$"
)

# "апеляцыю не падаваў", "pardon was not granted"
_NEGATION_AFTER = re.compile(r"[\w-]*\s+(?:\w+\s+)?(?:не|ні|nie|not|never|nicht)\b")

_COMPILED: tuple[tuple[E, re.Pattern[str]], ...] = tuple(
    (event, re.compile(r"(?<![\w])(?:" + alternatives(cues) + ")")) for event, cues in CUES.items()
)

_NEGATABLE = frozenset(
    {
        E.ARREST,
        E.SENTENCED,
        E.RELEASED,
        E.RELEASED_EXPELLED,
        E.PARDONED,
        E.DIED,
        E.TRANSFER,
        E.APPEAL,
        E.CHARGED,
        E.TRIAL,
    }
)


@lru_cache(maxsize=8192)
def sentence_events(sentence: str) -> tuple[E, ...]:
    """Event types a sentence reports, in ``EventType`` order."""
    text = fold(sentence)
    found: list[E] = []
    for event, pattern in _COMPILED:
        for match in pattern.finditer(text):
            if event in _NEGATABLE and (
                _NEGATION.search(text, max(0, match.start() - 40), match.start()) is not None
                or _NEGATION_AFTER.match(text, match.end()) is not None
            ):
                continue
            if event in (E.LISTED_EXTREMIST, E.LISTED_TERRORIST) and not _LIST_WORDS.search(text):
                continue
            if event is E.SENTENCED and _APPOSITION.search(text, 0, match.start()):
                continue
            if event is E.RELEASED and (
                _NOT_NOW_BEFORE.search(text, max(0, match.start() - 20), match.start())
                or _NOT_NOW_AFTER.match(text, match.end())
            ):
                continue
            found.append(event)
            break
    if E.RELEASED_EXPELLED in found and E.RELEASED in found:
        found.remove(E.RELEASED)
    return tuple(found)


# "Journalist X, sentenced to 14 years for ...": backstory in apposition, not news
_APPOSITION = re.compile(r",\s*(?:who was |который был |які быў )?$")
# "a released prisoner", "due to be released", "freed earlier this year": not a release now
_NOT_NOW_BEFORE = re.compile(r"(?:\ba|due to be|to be|will be|would be|could be|calls? for)\s+$")
_NOT_NOW_AFTER = re.compile(
    r"\w*\s+(?:prisoners?|inmates?|detainees?|earlier|last|previously|сукамерн\w*|вязн\w*"
    r"|палітвязн\w*|заключ\w*|sukamiern\w*|viazn\w*|wiezn\w*)"
)
