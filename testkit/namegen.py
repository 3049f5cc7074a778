"""Deterministic generator of realistic Belarusian prisoner registries (and their names in running text).

Benchmarks need thousands of registry entries that look like the real thing: Belarusian Cyrillic first
names and surnames built on real surname patterns (-скі/-ская, -оўскі, -евіч, -ёнак, -ук, -чык, -ка,
-енка, -оў/-ова, -аў/-ава, -ін, -ец, -ак...), the Russian Cyrillic equivalents written the way the
Russian-language press writes them (Бяляцкі → Беляцкий, Калеснікава → Колесникова, Салаўёў → Соловьёв),
a Latin name in the Belarusian national romanization (Aleś Bialiacki), gender-correct feminine forms,
some aliases (diminutive first names, English-press spellings, a second surname), and unique slug ids.
About 5% of the entries share a surname with an earlier one, as relatives and namesakes do.

``generate_people(n, seed)`` returns ``Person`` records: the ``Prisoner`` plus the parts needed to write
the person into text in an inflected form (``Person.forms(lang, case)``), so benches can plant mentions
the way news would write them. Everything is a pure function of ``(n, seed)``.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

from feeds.mentions.scripts import romanize_national, romanize_polish, romanize_press
from feeds.registry.models import Gender, Prisoner, PrisonerStatus

# ---------------------------------------------------------------------------------------------------
# First names: (Belarusian, Russian, diminutive or public form in Belarusian or "")

MALE_FIRST: list[tuple[str, str, str]] = [
    ("Аляксандр", "Александр", "Алесь"),
    ("Алесь", "Алесь", ""),
    ("Сяргей", "Сергей", "Сяржук"),
    ("Ігар", "Игорь", ""),
    ("Андрэй", "Андрей", ""),
    ("Мікалай", "Николай", "Мікола"),
    ("Уладзімір", "Владимир", "Уладзь"),
    ("Дзмітрый", "Дмитрий", "Зміцер"),
    ("Павел", "Павел", "Паўлюк"),
    ("Віктар", "Виктор", ""),
    ("Максім", "Максим", ""),
    ("Валянцін", "Валентин", ""),
    ("Ягор", "Егор", ""),
    ("Юрый", "Юрий", "Юрась"),
    ("Васіль", "Василий", ""),
    ("Алег", "Олег", ""),
    ("Раман", "Роман", ""),
    ("Аляксей", "Алексей", ""),
    ("Міхаіл", "Михаил", "Міхась"),
    ("Яўген", "Евгений", ""),
    ("Антон", "Антон", ""),
    ("Кірыл", "Кирилл", ""),
    ("Вадзім", "Вадим", ""),
    ("Ілья", "Илья", ""),
    ("Дзяніс", "Денис", ""),
    ("Станіслаў", "Станислав", "Стась"),
    ("Уладзіслаў", "Владислав", "Улад"),
    ("Пётр", "Пётр", "Пятрусь"),
    ("Сцяпан", "Степан", ""),
    ("Эдуард", "Эдуард", ""),
    ("Вітольд", "Витольд", ""),
    ("Ціхан", "Тихон", ""),
    ("Францішак", "Франциск", "Франак"),
    ("Янка", "Иван", ""),
    ("Іван", "Иван", "Янка"),
    ("Генадзь", "Геннадий", ""),
    ("Анатоль", "Анатолий", ""),
    ("Леанід", "Леонид", ""),
    ("Рыгор", "Григорий", "Рыгорка"),
    ("Арцём", "Артём", ""),
    ("Мікіта", "Никита", ""),
    ("Даніла", "Данила", ""),
    ("Багдан", "Богдан", ""),
    ("Вячаслаў", "Вячеслав", "Слава"),
    ("Зміцер", "Дмитрий", ""),
    ("Яраслаў", "Ярослав", ""),
    ("Казімір", "Казимир", ""),
    ("Тарас", "Тарас", ""),
    ("Святаслаў", "Святослав", ""),
]

FEMALE_FIRST: list[tuple[str, str, str]] = [
    ("Марыя", "Мария", "Маша"),
    ("Марына", "Марина", ""),
    ("Кацярына", "Екатерина", "Кася"),
    ("Вольга", "Ольга", ""),
    ("Наталля", "Наталья", ""),
    ("Святлана", "Светлана", ""),
    ("Ганна", "Анна", ""),
    ("Алена", "Елена", ""),
    ("Таццяна", "Татьяна", ""),
    ("Ірына", "Ирина", ""),
    ("Юлія", "Юлия", ""),
    ("Анастасія", "Анастасия", "Наста"),
    ("Дар'я", "Дарья", ""),
    ("Ксенія", "Ксения", ""),
    ("Людміла", "Людмила", ""),
    ("Марфа", "Марфа", ""),
    ("Паліна", "Полина", ""),
    ("Надзея", "Надежда", ""),
    ("Вераніка", "Вероника", ""),
    ("Алеся", "Олеся", ""),
    ("Яна", "Яна", ""),
    ("Валерыя", "Валерия", ""),
    ("Вікторыя", "Виктория", "Віка"),
    ("Лізавета", "Елизавета", "Ліза"),
    ("Галіна", "Галина", ""),
    ("Ніна", "Нина", ""),
    ("Аксана", "Оксана", ""),
    ("Тамара", "Тамара", ""),
    ("Зінаіда", "Зинаида", ""),
    ("Крысціна", "Кристина", ""),
]

# ---------------------------------------------------------------------------------------------------
# Surname roots, "Belarusian:Russian" (the Russian root is derived by rule when not given). Roots end in
# a consonant; a pattern (below) adds the ending.

_ROOTS = """
Бяляц:Беляц Калеснік:Колесник Кавал:Ковал Бандар:Бондар Мельнік:Мельник Шаўч:Шевч Краўц:Кравц
Ганчар:Гончар Рыбак Казл:Козл Ваўк:Волк Сакал:Сокол Галуб:Голуб Варан:Ворон Сарок:Сорок Мароз:Мороз
Бярэз:Берез Дуб Жук Шпак Бусл Чарнавус:Черноус Белавус:Белоус Лабк:Лобк Статк Мацк Пашк Янк Юрк Станк
Лук Сямён:Семён Раман:Роман Антон Іван Васіл Карп Кірыл Макар Назар Гардзей:Гордей Тарас Філіп Кузьм
Дзям'ян:Демьян Стэфан:Стефан Латып Кастус Салаў:Солов Дзядз:Дед Севярын:Северин Ашур Чап:Чеп Лос
Ціхан:Тихон Пачоб:Почоб Золат:Золот Рабк Пальч Ільяш Лойк Бахвал:Бахвал Жалудз:Желуд Клім Захар
Грыц:Гриц Харытон:Харитон Дашк Сідар:Сидор Архіп Лявон:Левон Аўдзей:Авдей Піліп:Филип Радзіван:Родион
Барыс:Борис Глеб Цімох:Тимох Міхалк:Михалк Шыш:Шиш Нос Гарбуз:Горбуз Бурак Капуст Гарох:Горох
Грыб:Гриб Ягад:Ягод Мядзвед:Медвед Лісіц:Лисиц Зайц Барсук Вавёр:Веверк Крот Шчыгл:Щегл Сініц:Синиц
Жураў:Журав Чайк Арл:Орл Крук Грак Дрозд Снег Град Вецер:Ветер Сонц:Солнц Гром Бор Лес Палян:Полян
Гарадз:Город Сял:Сел Дварэц:Дворец Млын Кузнец Шавец:Швец Кушнер Пекар Сталяр:Столяр Цесляр:Тесляр
Ткач Рымар:Рымар Бортнік:Бортник Пастух Вартаўнік:Сторож Ляснік:Лесник Пісар:Писар Дзяк:Дьяк Поп
Дзяч:Деч Ламак:Ломак Гаман:Гоман Бабр:Бобр Кажан:Кожан Рудз:Руд Чарн:Черн Бял:Бел Сівак:Сивак
Рыж:Рыж Кучар:Кучер Барад:Бород Вус:Ус Галаў:Голов Рук Нагорн:Нагорн Шаўр:Шавр Кулеш Кулік:Кулик
Бабіч:Бабич Дудар Скрыпк:Скрипк Гусляр Цымбал:Цимбал Бубн Званар:Звонар Цвірк:Цвирк
Сушк Лішк:Лишк Баранк:Баранк Ягн:Ягн Цялк:Телк Казак Шляхт Панк Хлоп Мужык:Мужик Салдат:Солдат
Гетман Стараст:Старост Войт Вайтк:Войтк Сотнік:Сотник Капрал Ротмістр:Ротмистр Лагун Сабал:Собол
Куніц:Куниц Ласіц:Ласиц  Янушк Пятрушк:Петрушк Ажэшк:Ожешк
Касцюшк:Костюшк  Купал:Купал Колас Багдан:Богдан Цётк:Тетк Жылк:Жилк Буйніц:Буйниц
Лапац:Лопат  Сякер:Секир Молат:Молот Кавадл:Ковадл Піл:Пил Свірыд:Свирид Аўсянік:Овсяник
Жытнік:Житник Пшанічн:Пшеничн Грэчк:Гречк Ячмен  Льнян:Льнян Канапл:Конопл Вішн:Вишн
Слів:Слив Груш Ябл:Ябл Арэх:Орех Жалуд:Желуд Ліп:Лип Клён Ясен Вяз:Вяз Вольх:Ольх Асін:Осин
Кален:Кален Рабін:Рябин Чарамх:Черемх Глог   Сміт:Смит Шміт:Шмит
Гофман Вайцях:Войцех   Радзюк:Родюк Прыходзьк:Приходьк
Давыд:Давыд Якуб:Якуб Мазур Літвін:Литвин Русін:Русин Паляк:Поляк Нямец:Немец Чэх:Чех Татар
Адам Алешк:Алешк Анань:Ананьев Баран Барткев:Бартк Бахар Бурб Бут Вашк Вярбіц:Вербиц Вінік:Виник
Вайван Гайдук Гапан:Гапон Гаўрыл:Гаврил Герас:Герас Гіл:Гил Грынь:Гринь Гулак Дабрыян:Добриян Дамброў:Домбров
Даўгал:Долгал Дземідз:Демид Дзенісь:Денис Дрык Дудк Дыл Ерм:Ерм Есьман:Есьман Жаўр:Жавр Жлоб Жукоўск
Зянк:Зенк Зубр Іваш:Иваш Ігнат:Игнат Казлоў:Козлов Кананч:Конанч Капыл:Копыл Карніл:Корнил Касцюк:Костюк
Кірн:Кирн Клачк:Клочк Кольц Кондрат Корзун Кот Крупен Кудр Кулак Курыл:Курил Ладут Ламан:Ломан Лапт
Лашкев:Лашкев Левак Лемеш Логвін:Логвин Лысак Люцк:Люцк Мазан Макаёнак:Макаенок Малаш:Малаш Мамай Маркаў:Марков
Маслак Мацвей:Матвей Мірон:Мирон Мішук:Мишук Навум:Наум Нарк Несцер:Нестер Нікан:Никон Ноўк:Новк Пазняк:Позняк
Панас Пархім:Пархим Пасек Пеўн:Певн Пілецк:Пилецк Пракоп:Прокоп Радзевіч:Радевич Раўб:Равб Ржэўск:Ржевск
Рудак Сабалеўск:Соболевск Савін:Савин Сандалав:Сандалов Сапег:Сапег Сватк Сівец:Сивец Сіднёў:Сиднев
Скарын:Скорин Слабад:Слобод Смаль Сноп Сорк Сцяпур:Степур Сыч Табол Тамаш:Томаш Трус Тукай Тумаш
Уласт:Власт Усцін:Устин Ушак Фадз:Фед Фалей Федар:Федор Хадас:Ходос Халімон:Халимон Хвост Хмар Хвядос:Федос
Цыбул:Цыбул Цішк:Тишк Чабат:Чебот Чаркас:Черкас Чыж:Чиж Шабан Шалак Шамяк:Шемяк Шарэц:Шарец Шульг
Шчук:Щук Юрчук Ядловец:Ядловец Ярош Ясюк Яцук Бабок Бакун Бакшт Ганул:Ганул Дзямід:Демид Журк Канон
Кебік:Кебик Лагвін:Логвин Мацюш:Матюш Навіц:Новиц Радык:Радык Сушчэн:Сущен Тарашк:Тарашк Цукер Шэмет:Шемет
Турок Грэк:Грек Жмудз:Жмуд Пінчук:Пинчук

"""


def _default_ru_root(be: str) -> str:
    out = be.replace("шч", "щ").replace("'", "ь")
    out = re.sub(r"дз(?=[іеёюяь])", "д", out)
    out = re.sub(r"ц(?=[іеёюяь])", "т", out)
    table = str.maketrans({"і": "и", "ў": "в", "э": "е", "І": "И", "Ў": "В", "Э": "Е"})
    out = out.translate(table)
    return re.sub(r"(?<=[жшчщц])ы", "и", out)


def _parse_roots() -> list[tuple[str, str]]:
    roots = []
    seen = set()
    for item in _ROOTS.split():
        be, _, ru = item.partition(":")
        if be in seen or not re.search(r"[бвгджзйклмнпрстфхцчшў]$", be):
            continue
        seen.add(be)
        roots.append((be, ru or _default_ru_root(be)))
    return roots


ROOTS: list[tuple[str, str]] = _parse_roots()

# Roots that are surnames on their own, with no ending (Мароз, Жук, Шпак: often common words too).
BARE_ROOTS = frozenset(
    [
        "Мароз",
        "Жук",
        "Шпак",
        "Дуб",
        "Крук",
        "Грак",
        "Дрозд",
        "Сыч",
        "Кот",
        "Ткач",
        "Кушнер",
        "Мазур",
        "Ярош",
        "Гетман",
        "Кулак",
        "Трус",
        "Сноп",
        "Кузнец",
        "Шавец",
        "Зубр",
        "Чыж",
        "Рыбак",
        "Казак",
        "Барсук",
        "Бурак",
        "Гарох",
        "Грыб",
        "Клён",
        "Бор",
        "Гром",
        "Сакал",
        "Галуб",
        "Варан",
        "Сарок",
        "Дудар",
        "Колас",
        "Войт",
        "Капрал",
        "Лагун",
        "Паляк",
        "Літвін",
        "Татар",
        "Турок",
        "Кулеш",
        "Лемеш",
        "Гайдук",
        "Бакун",
        "Шэмет",
    ]
)


# ---------------------------------------------------------------------------------------------------
# Surname patterns


@dataclass(frozen=True)
class Pattern:
    key: str
    be_m: str
    be_f: str
    ru_m: str
    ru_f: str
    weight: int
    decl: str  # inflection class, see _SURNAME_CASES


PATTERNS: list[Pattern] = [
    Pattern("ski", "скі", "ская", "ский", "ская", 4, "adj"),
    Pattern("ouski", "оўскі", "оўская", "овский", "овская", 6, "adj"),
    Pattern("euski", "еўскі", "еўская", "евский", "евская", 2, "adj"),
    Pattern("ich", "іч", "іч", "ич", "ич", 3, "ich"),
    Pattern("evich", "евіч", "евіч", "евич", "евич", 6, "ich"),
    Pattern("ovich", "овіч", "овіч", "ович", "ович", 3, "ich"),
    Pattern("onak", "ёнак", "ёнак", "енок", "енок", 3, "fleeting"),
    Pattern("uk", "ук", "ук", "ук", "ук", 3, "cons"),
    Pattern("juk", "юк", "юк", "юк", "юк", 3, "cons"),
    Pattern("chyk", "чык", "чык", "чик", "чик", 3, "cons"),
    Pattern("ik", "ік", "ік", "ик", "ик", 2, "cons"),
    Pattern("ka", "ка", "ка", "ко", "ко", 4, "ka"),
    Pattern("enka", "енка", "енка", "енко", "енко", 4, "ka"),
    Pattern("ou", "оў", "ова", "ов", "ова", 5, "ov"),
    Pattern("jou", "ёў", "ёва", "ёв", "ёва", 2, "ov"),
    Pattern("au", "аў", "ава", "ов", "ова", 4, "ov"),
    Pattern("in", "ін", "іна", "ин", "ина", 3, "ov"),
    Pattern("ets", "ец", "ец", "ец", "ец", 2, "fleeting"),
    Pattern("ak", "ак", "ак", "ок", "ок", 2, "fleeting"),
    Pattern("bare", "", "", "", "", 2, "cons"),
]
PATTERN_BY_KEY = {p.key: p for p in PATTERNS}

# Endings that only a masculine surname has (a female entry must never carry one).
MASCULINE_ONLY_BE = ("скі", "цкі", "оў", "ёў", "аў", "ін", "ын")
MASCULINE_ONLY_RU = ("ский", "цкий", "ов", "ев", "ёв", "ин", "ын")

_VOWELS = "аеёіоуыэюяи"
_AFTER_VOWEL_BE = {"о": "е", "ё": "е", "а": "я", "у": "ю", "ы": "і"}
_AFTER_VOWEL_RU = {"о": "е", "ё": "е", "а": "я", "у": "ю", "ы": "и"}
_BE_HARD = "жшчрц"
_BE_SOFTEN = str.maketrans({"е": "э", "ё": "о", "і": "ы", "ю": "у", "я": "а"})
_RU_HUSH = "жшчщц"


def _join_be(root: str, suffix: str) -> str:
    if not suffix:
        return root
    if root[-1] == suffix[0]:  # Статк + ка -> Статка
        root = root[:-1]
    if root.endswith("й") and suffix[0] in _VOWELS:  # Гардзей + евіч -> Гардзеевіч
        root, suffix = root[:-1], _AFTER_VOWEL_BE.get(suffix[0], suffix[0]) + suffix[1:]
    if root.endswith("ў") and suffix[0] in "аоуыэ":
        root = root[:-1] + "в"
    if root.endswith("л") and suffix.startswith("ск"):
        root += "ь"
    if root[-1] in "сз" and suffix.startswith("ск"):
        root = root[:-1]
    if root.endswith("ц") and suffix.startswith("ск"):
        root, suffix = root[:-1], "ц" + suffix[2:] if suffix.startswith("скі") else suffix
        if suffix.startswith("ск"):
            suffix = "ц" + suffix[1:]
    if root[-1] in _BE_HARD and suffix[0] in "еёіюя":
        suffix = suffix[0].translate(_BE_SOFTEN) + suffix[1:]
    return root + suffix


def _join_ru(root: str, suffix: str, be_root: str) -> str:
    if not suffix:
        return root
    if root[-1] == suffix[0]:
        root = root[:-1]
    if root.endswith("й") and suffix[0] in _VOWELS:  # Гордей + евич -> Гордеевич
        root, suffix = root[:-1], _AFTER_VOWEL_RU.get(suffix[0], suffix[0]) + suffix[1:]
    if be_root.endswith("ў") and root.endswith("в") and suffix[0] in "ёеюя":
        root += "ь"
    if root.endswith("л") and suffix.startswith("ск"):
        root += "ь"
    if root[-1] in "сз" and suffix.startswith("ск"):
        root = root[:-1]
    if root.endswith("ц") and suffix.startswith("ск"):
        root = root[:-1]
        suffix = "ц" + suffix[1:]
    if root[-1] in _RU_HUSH:
        suffix = {"ы": "и", "я": "а", "ю": "у"}.get(suffix[0], suffix[0]) + suffix[1:]
    return root + suffix


# ---------------------------------------------------------------------------------------------------
# Romanization


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slug(text: str) -> str:
    out = re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")
    return out or "x"


# ---------------------------------------------------------------------------------------------------
# Inflection (what planted mentions look like in running text)

CASES = ("nom", "gen", "dat", "acc", "ins", "loc")


def _surname_case_be(surname: str, decl: str, female: bool, case: str) -> str:
    if case == "nom" or not surname:
        return surname
    if decl == "adj":
        if female:  # -ская
            return surname[:-2] + {"acc": "ую"}.get(case, "ай")
        stem = surname[:-1]  # Бяляцк
        return stem + {"gen": "ага", "acc": "ага", "dat": "аму", "ins": "ім", "loc": "ім"}[case]
    if decl == "ka":
        stem = surname[:-1]
        ends = {"gen": "і", "acc": "у", "dat": "е", "loc": "е", "ins": "ай" if female else "ам"}
        end = ends[case]
        if end == "е" and stem.endswith("к"):
            return stem[:-1] + "цы"
        return stem + end
    if female and decl in ("ich", "cons", "fleeting"):
        return surname  # indeclinable feminine
    if decl == "ov":
        if female:  # -ова / -іна
            return surname[:-1] + {"acc": "у"}.get(case, "ай")
        stem = surname[:-1] + "в" if surname.endswith("ў") else surname
        ends = {"gen": "а", "acc": "а", "dat": "у", "ins": "ым" if stem.endswith("в") else "ам",
                "loc": "е"}  # fmt: skip
        return stem + ends[case]
    stem = surname
    if decl == "fleeting":  # Кавалёнак -> Кавалёнка, Севярынец -> Севярынца, Ашурак -> Ашурка
        stem = re.sub(r"(?:а|е)(.)$", r"\1", stem)
    return stem + {"gen": "а", "acc": "а", "dat": "у", "ins": "ам", "loc": "у"}[case]


def _surname_case_ru(surname: str, decl: str, female: bool, case: str) -> str:
    if case == "nom" or not surname:
        return surname
    if decl == "adj":
        if female:
            return surname[:-2] + {"acc": "ую"}.get(case, "ой")
        stem = surname[:-2]  # Беляцк
        return stem + {"gen": "ого", "acc": "ого", "dat": "ому", "ins": "им", "loc": "ом"}[case]
    if decl == "ka":
        return surname  # -ко never changes
    if female and decl in ("ich", "cons", "fleeting"):
        return surname
    if decl == "ov":
        if female:
            return surname[:-1] + {"acc": "у"}.get(case, "ой")
        return surname + {"gen": "а", "acc": "а", "dat": "у", "ins": "ым", "loc": "е"}[case]
    stem = surname
    if decl == "fleeting":
        stem = re.sub(r"(?:о|е)(.)$", r"\1", stem)
    ins = "ем" if stem[-1] in _RU_HUSH else "ом"
    return stem + {"gen": "а", "acc": "а", "dat": "у", "ins": ins, "loc": "е"}[case]


def _surname_case_pl(surname: str, decl: str, female: bool, case: str) -> str:
    if case == "nom" or not surname:
        return surname
    if decl == "adj":
        if female:  # -ska / -cka
            return surname[:-1] + {"acc": "ą", "ins": "ą"}.get(case, "iej")
        stem = surname[:-1]
        return stem + {"gen": "iego", "acc": "iego", "dat": "iemu", "ins": "im", "loc": "im"}[case]
    if decl == "ka":
        stem = surname[:-1]
        end = {"gen": "i", "acc": "ę", "dat": "ce", "loc": "ce", "ins": "ą"}[case]
        return (stem[:-1] + end) if end == "ce" and stem.endswith("k") else stem + end
    if female and decl in ("ich", "cons", "fleeting"):
        return surname
    if decl == "ov":
        if female:
            return surname[:-1] + {"acc": "ą", "ins": "ą"}.get(case, "ej")
        return surname  # -ou / -au are mostly left undeclined
    stem = surname
    if decl == "fleeting":
        stem = re.sub(r"ec$", "c", stem)
    return stem + {"gen": "a", "acc": "a", "dat": "owi", "ins": "em", "loc": "u"}[case]


_FIRST_EXCEPTIONS_BE = {"Павел": "Паўл", "Пётр": "Пятр", "Зміцер": "Змітр", "Францішак": "Францішк"}
_FIRST_EXCEPTIONS_RU = {"Павел": "Павл", "Пётр": "Петр"}


_PL_SOFT_BEFORE_VOWEL = {"ź": "zi", "ś": "si", "ć": "ci", "ń": "ni"}


def _polish_soft(text: str) -> str:
    """Hienadź + a -> Hienadzia: Polish writes a soft consonant as zi/si/ci/ni before a vowel."""
    return re.sub("([źśćń])(?=[aeouyąę])", lambda m: _PL_SOFT_BEFORE_VOWEL[m.group(1)], text)


def _first_case_pl(first: str, female: bool, case: str) -> str:
    if first.endswith(("ija", "yja")):  # Maryja -> Maryi, Maryję
        return (
            first[:-1] + {"acc": "ę", "ins": "ą"}.get(case, "")
            if case in ("acc", "ins")
            else (first[:-2] + "i")
        )
    if first.endswith("ja"):
        return first[:-1] + {"acc": "ę", "ins": "ą"}.get(case, "i")
    if first.endswith("a"):
        soft = first[-2:-1] in ("k", "g", "l")
        return first[:-1] + {"acc": "ę", "ins": "ą"}.get(case, "i" if soft else "y")
    if female:
        return first
    if first.endswith("j"):
        return first[:-1] + {"dat": "jowi", "ins": "jem"}.get(case, "ja")
    return first + {"dat": "owi", "ins": "em", "loc": "u"}.get(case, "a")


def _first_case(first: str, female: bool, lang: str, case: str) -> str:
    if case == "nom":
        return first
    if lang == "pl":
        return _polish_soft(_first_case_pl(first, female, case))
    exceptions = _FIRST_EXCEPTIONS_BE if lang == "be" else _FIRST_EXCEPTIONS_RU
    if female or first[-1] in "ая":
        vowel = first[-1]
        stem = first[:-1]
        soft = vowel == "я"
        if lang == "be":
            gen = "і" if soft or stem[-1] in "гкх" else "ы"
            ends = {"gen": gen, "dat": "і" if soft or stem[-1] in "гкх" else "е", "acc": "ю" if soft else "у",
                    "ins": "яй" if soft else "ай", "loc": "і" if soft else "е"}  # fmt: skip
        else:
            gen = "и" if soft or stem[-1] in "гкхжшч" else "ы"
            ends = {"gen": gen, "dat": "и" if soft else "е", "acc": "ю" if soft else "у",
                    "ins": "ей" if soft else "ой", "loc": "и" if soft else "е"}  # fmt: skip
            if first.endswith("ия"):
                ends.update(gen="и", dat="и", loc="и")
        if female and not first.endswith(("а", "я")):
            return first  # Марфа is covered; women's names in consonants do not decline
        return stem + ends[case]
    stem = exceptions.get(first, first)
    if stem.endswith("ў"):  # Станіслаў -> Станіслава
        stem = stem[:-1] + "в"
    if first.endswith(("й", "ь")):
        stem = first[:-1]
        if lang == "ru" and first.endswith("ий"):
            return stem + {"gen": "я", "acc": "я", "dat": "ю", "ins": "ем", "loc": "и"}[case]
        ends = {
            "gen": "я",
            "acc": "я",
            "dat": "ю",
            "ins": "ем",
            "loc": "ю" if lang == "be" else "е",
        }
        return stem + ends[case]
    ins = "ам" if lang == "be" else "ом"
    return (
        stem
        + {"gen": "а", "acc": "а", "dat": "у", "ins": ins, "loc": "у" if lang == "be" else "е"}[
            case
        ]
    )


# ---------------------------------------------------------------------------------------------------
# The generator


@dataclass(frozen=True)
class Person:
    """A generated prisoner and what is needed to write them into text."""

    prisoner: Prisoner
    first_be: str
    first_ru: str
    surname_be: str
    surname_ru: str
    pattern: str  # Pattern.key
    female: bool

    @property
    def id(self) -> str:
        return self.prisoner.id

    def forms(self, lang: str, case: str = "nom") -> tuple[str, str]:
        """(first name, surname) as a ``lang`` text (be, ru, pl, en) writes them in grammatical ``case``."""
        decl = PATTERN_BY_KEY[self.pattern].decl
        if lang == "be":
            return (_first_case(self.first_be, self.female, "be", case),
                    _surname_case_be(self.surname_be, decl, self.female, case))  # fmt: skip
        if lang == "ru":
            return (_first_case(self.first_ru, self.female, "ru", case),
                    _surname_case_ru(self.surname_ru, decl, self.female, case))  # fmt: skip
        if lang == "pl":
            first, surname = romanize_polish(self.first_be), romanize_polish(self.surname_be)
            if decl == "adj" and self.female:
                surname = re.sub("aja$", "a", surname)  # Baradoŭskaja -> Baradowska
            surname = _polish_soft(surname)
            return (_first_case(first, self.female, "pl", case),
                    _surname_case_pl(surname, decl, self.female, case))  # fmt: skip
        first, _, surname = self.prisoner.name_en.partition(" ")
        return first, surname

    def full(self, lang: str, case: str = "nom") -> str:
        first, surname = self.forms(lang, case)
        return f"{first} {surname}"


_STATUS_WEIGHTS = [
    (PrisonerStatus.IN_CUSTODY, 70),
    (PrisonerStatus.RELEASED, 18),
    (PrisonerStatus.RELEASED_EXPELLED, 8),
    (PrisonerStatus.DIED, 1),
    (PrisonerStatus.UNKNOWN, 3),
]


def _weighted(rng: random.Random, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def _make_surname(rng: random.Random) -> tuple[str, str, Pattern]:
    root_be, root_ru = rng.choice(ROOTS)
    pattern = _weighted(rng, PATTERNS, [p.weight for p in PATTERNS])
    return root_be, root_ru, pattern


def _synthetic_root(rng: random.Random) -> tuple[str, str]:
    """A new root from the start of one real root and the end of another (Бяля + леснік), used only
    when a registry is larger than the real roots and patterns allow."""
    for _ in range(100):
        (head, _), (tail, _) = rng.choice(ROOTS), rng.choice(ROOTS)
        cut_head = next((k + 1 for k in range(1, len(head)) if head[k] in _VOWELS), len(head))
        cut_tail = next((k for k in range(1, len(tail)) if tail[k] in _VOWELS), 0)
        if cut_tail < 2:
            continue
        be = head[:cut_head] + tail[cut_tail - 1 :].lower()
        if 4 <= len(be) <= 10:
            be = re.sub(r"([жшчрц])і", r"\1ы", be)
            return be, _default_ru_root(be)
    return head, _default_ru_root(head)


def generate_people(n: int, seed: int = 0, shared_surname_share: float = 0.05) -> list[Person]:
    """``n`` distinct generated prisoners; the same ``(n, seed)`` always gives the same list."""
    rng = random.Random(f"vestka-namegen:{seed}")
    people: list[Person] = []
    ids: set[str] = set()
    full_names: set[str] = set()
    surnames: dict[tuple[str, str], tuple[str, str, Pattern]] = {}  # (root, pattern key) -> parts
    surname_keys: list[tuple[str, str]] = []
    attempts = 0
    while len(people) < n:
        attempts += 1
        female = rng.random() < 0.18
        share = surname_keys and rng.random() < shared_surname_share
        if share:
            key = rng.choice(surname_keys)
            root_be, root_ru, pattern = surnames[key]
        else:
            for tries in range(60):
                if tries < 40:
                    root_be, root_ru, pattern = _make_surname(rng)
                else:
                    (root_be, root_ru), pattern = (
                        _synthetic_root(rng),
                        _weighted(rng, PATTERNS, [p.weight for p in PATTERNS]),
                    )
                key = (root_be, pattern.key)
                bad_bare = not pattern.be_m and (
                    root_be not in BARE_ROOTS
                    or root_be.endswith(MASCULINE_ONLY_BE)
                    or root_ru.endswith(MASCULINE_ONLY_RU)
                )
                if key not in surnames and not bad_bare:
                    break
            else:  # pragma: no cover - 60 collisions in a row would need an absurd n
                continue
        surname_be = _join_be(root_be, pattern.be_f if female else pattern.be_m)
        surname_ru = _join_ru(root_ru, pattern.ru_f if female else pattern.ru_m, root_be)
        first_be, first_ru, diminutive = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
        name_be = f"{first_be} {surname_be}"
        if name_be in full_names:
            continue
        if not share:
            surnames[key] = (root_be, root_ru, pattern)
            surname_keys.append(key)
        full_names.add(name_be)
        name_en = romanize_national(name_be)

        base = slug(name_en)[:36].strip("-")
        pid, k = base, 2
        while pid in ids:
            pid, k = f"{base}-{k}", k + 1
        ids.add(pid)

        aliases: list[str] = []
        if diminutive and rng.random() < 0.35:
            aliases.append(f"{diminutive} {surname_be}")
        if rng.random() < 0.15:
            press = romanize_press(name_be)
            if press != name_en:
                aliases.append(press)
        if female and rng.random() < 0.05:
            other_be, _, other_pattern = _make_surname(rng)
            aliases.append(f"{first_be} {_join_be(other_be, other_pattern.be_f)}")

        prisoner = Prisoner(
            id=pid,
            name_be=name_be,
            name_ru=f"{first_ru} {surname_ru}",
            name_en=name_en,
            aliases=aliases,
            gender=Gender.FEMALE if female else Gender.MALE,
            status=_weighted(rng, [s for s, _ in _STATUS_WEIGHTS], [w for _, w in _STATUS_WEIGHTS]),
        )
        people.append(
            Person(prisoner, first_be, first_ru, surname_be, surname_ru, pattern.key, female)
        )
    return people


def generate_prisoners(n: int, seed: int = 0) -> list[Prisoner]:
    return [p.prisoner for p in generate_people(n, seed)]


if __name__ == "__main__":  # a look at a sample: python -m testkit.namegen [N]
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    for person in generate_people(count):
        p = person.prisoner
        print(p.id, "|", p.name_be, "|", p.name_ru, "|", p.name_en, "|", "; ".join(p.aliases))
        print("    be gen:", person.full("be", "gen"), "| ru ins:", person.full("ru", "ins"),
              "| pl gen:", person.full("pl", "gen"))  # fmt: skip
