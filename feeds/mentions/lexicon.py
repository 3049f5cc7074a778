"""The engine's word lists: first-name equivalents, facility kind words, context cues.

Plain data, read once at import. Spellings in any script; they all go through ``skeleton``.
"""

from __future__ import annotations

from feeds.registry.models import FacilityKind

# One line per first name: every form that means the same person (be, ru, uk, Łacinka, pl, en, de),
# diminutives and public names included (Aleś for Aliaksandr, Źmicier for Dzmitry, Nasta for
# Anastasija). A prisoner's first name pulls in its whole line.
FIRST_NAME_GROUPS = """
Аляксандр Александр Олександр Aliaksandr Alaksandr Aleksandr Alexander Aleksander Alexandr Sasha Саша Сашка Alexandre Aliaksandar
Алесь Aleś Ales Alies Алеся
Аляксей Алексей Олексій Aliaksei Alaksiej Aleksei Alexei Alexey Aleksiej Aleksey Alyaksei
Андрэй Андрей Андрій Анджей Andrei Andrej Andrey Andrzej Andrii Andriy Andreas Andrew Andrzeja
Віктар Виктор Віктор Viktar Viktor Wiktor Victor Wiktar
Максім Максим Maksim Maxim Maksym Maksimas
Ігар Игорь Ігор Ihar Igor Ihor Ihar
Мікалай Мікола Николай Микола Mikalai Mikalaj Mikałaj Mikola Mikoła Nikolai Nikolay Nikolaj Mykola Mikołaj Kola Коля
Сяргей Сергей Сергій Siarhei Siarhiej Sergei Sergey Serhii Serhiy Sergej Siergiej
Уладзімір Владимир Володимир Уладзь Uladzimir Uładzimir Uladz Uładź Vladimir Wladimir Włodzimierz Volodymyr Uladzimer Валодзя Володя
Валянцін Валентин Валентин Valiancin Valiantsin Walancin Valentin Walentin Valiantin
Марыя Мария Марія Maria Maryja Mariya Marya Mariia Marija Маша Masha
Марфа Marfa
Марына Марина Maryna Marina
Кацярына Екатерина Катерина Katsiaryna Kaciaryna Katarzyna Yekaterina Ekaterina Katerina Kateryna Каця Катя Katia Katya
Павел Павел Павло Pavel Paweł Pavlo Paul Paval Pavał
Эдуард Эдуард Едуард Eduard Edward Edvard
Наста Настасся Анастасия Анастасія Настя Nasta Nastassia Nastasia Anastasia Anastasija Anastasiya Nastia Nastya Anastazja
Рыгор Григорий Григорій Ryhor Hryhor Grigory Grigoriy Hryhoriy Grzegorz Rygor Ryhor
Вітольд Витольд Vitold Witold Vitald
Паліна Полина Palina Polina Paulina
Ларыса Лариса Larysa Larisa Łarysa
Дзяніс Денис Денис Dzianis Dzianis Denis Dzenis Dzianiš Deniss
Зміцер Змітра Дзмітрый Дмитрий Дмитро Zmicier Zmitser Zmitsier Źmicier Zmiter Dzmitry Dzmitryi Dmitry Dmitri Dmitriy Dmytro Dzmitryj Dmitrij
Дар'я Дарья Дар'я Дарʼя Darya Daria Daryia Darja Dasha Даша
Ксенія Ксения Ксенія Ksenia Kseniya Ksenija Xenia Ksieniya
Кацярына Катерына Katsiaryna
Святлана Сьвятлана Светлана Світлана Sviatlana Svetlana Swiatłana Świetłana Sviatłana
Аліна Алина Alina
Расціслаў Ростислав Rastsislau Rostislav Rasciślaŭ
Вольга Ольга Volha Olga Olha Wolha
Таццяна Татьяна Тацяна Tatsiana Tatiana Tatyana Taciana
Алена Елена Алёна Alena Elena Helena Olena Alona Alyona
Ірына Ирина Iryna Irina Iryna
Наталля Наталья Natallia Natalia Natalya Natalla
Юлія Юлия Yulia Julia Yuliya Julija
Ганна Анна Hanna Anna Hanna
Людміла Людмила Liudmila Ludmila Lyudmila
Іван Иван Ivan Iwan Jan Ян
Юрый Юрий Yury Yuri Jury Jurij Юрась
Міхаіл Михаил Міхась Mikhail Michail Michał Michael Mikhas Mikhal
Пётр Пятро Петр Piotr Petr Piatro Pyotr Pyatro
Васіль Василий Vasil Vasily Wasil Wasyl
Генадзь Геннадий Hienadz Gennady Henadz Hienadź
Яўген Евгений Yauhen Yevgeny Evgeny Jauhien Eugeniusz Eugene
Сцяпан Степан Stsiapan Stepan Sciapan Scapan
Антон Anton Antoni
Арцём Артём Artsiom Artem Arciom Artyom
Ілья Илья Illia Ilya Ilja Ilia
Кірыл Кирилл Kiryl Kirill Kirył Cyryl
Раман Роман Raman Roman
Вадзім Вадим Vadzim Vadim Wadzim
Уладзіслаў Владислав Uladzislau Vladislav Władysław
Станіслаў Станислав Stanislau Stanislav Stanisław
Алег Олег Aleh Oleg
Леанід Леонид Leanid Leonid
Валерый Валерий Valery Valeri Walery Valer
Анатоль Анатолий Anatol Anatoly Anatolij
Барыс Борис Barys Boris
Ягор Егор Yahor Egor Jahor
Мікіта Никита Mikita Nikita
Тамара Tamara
Галіна Галина Halina Galina
Ніна Нина Nina
Вера Vera Wiera
Надзея Надежда Nadzeya Nadezhda Nadzieja
Аксана Оксана Aksana Oksana
Вікторыя Виктория Viktoryia Viktoria Victoria Wiktoria
Яна Yana Jana
Ева Eva Ewa
Франак Franak
Зянон Зенон Zianon Zenon
Віталь Виталий Vital Vitaly Witalij
Лявон Leanid Liavon Lavon
Юлія Julija
Эмілія Emilia
Аляксандра Александра Aliaksandra Aleksandra Alexandra
Яўгенія Евгения Yauheniya Evgenia Jauhienija
Ганна Hanna
Вераніка Вероника Veranika Veronika Weronika
Святаслаў Святослав Sviataslau Svyatoslav
Тадэвуш Tadevush Tadeusz
Юзэф Józef Juzef Joseph
Jakub Якуб Jacob
John Джон
James Mark Peter Robert David Michael Thomas Tomasz Krzysztof Marek Piotr Paweł Jarosław Donald Joe Emmanuel
""".strip()

# Words written before a surname that are never first names here (titles, roles) are simply not
# in the list above; everything capitalized that *is* in it and is not the prisoner's own name marks
# a namesake or a relative.

# Facility kinds: words in any language and case. Multi-word entries are phrases (all words in a row).
KIND_WORDS: dict[FacilityKind, tuple[str, ...]] = {
    FacilityKind.COLONY: (
        "калонія",
        "колония",
        "колонія",
        "colony",
        "kolonia",
        "kolonie",
        "Strafkolonie",
        "Straflager",
        "Arbeitslager",
        "kałonija",
        "kalonija",
        "kalonii",
        "колонийка",
    ),
    FacilityKind.SIZO: (
        "следственный изолятор",
        "следчы ізалятар",
        "слідчий ізолятор",
        "pre trial",
        "pretrial",
        "remand prison",
        "remand centre",
        "remand center",
        "remand",
        "areszt śledczy",
        "aresztu śledczego",
        "Untersuchungsgefängnis",
        "Untersuchungshaftanstalt",
        "U Haft",
        "sledchy izaliatar",
        "vazba",
    ),
    FacilityKind.PRISON: (
        "турма",
        "тюрьма",
        "prison",
        "więzienie",
        "więzienia",
        "Gefängnis",
        "вязніца",
        "в'язниця",
        "turma",
        "jail",
        "věznice",
    ),
    FacilityKind.OPEN_FACILITY: (
        "открытого типа",
        "адкрытага тыпу",
        "open type",
        "open correctional",
        "typu otwartego",
    ),
    FacilityKind.DETENTION_CENTRE: (
        "detention centre",
        "detention center",
        "isolation centre",
        "isolation center",
        "центр изоляции",
        "цэнтр ізаляцыі",
        "изолятор временного содержания",
        "ізалятар часовага ўтрымання",
        "detention facility",
    ),
}

# Abbreviations: matched only as upper-case tokens (ИК-9, СИЗО-1, ШІЗА is not one of them).
KIND_ABBREVIATIONS: dict[str, FacilityKind] = {
    "ИК": FacilityKind.COLONY,
    "ІК": FacilityKind.COLONY,
    "ПК": FacilityKind.COLONY,
    "IK": FacilityKind.COLONY,
    "PK": FacilityKind.COLONY,
    "ВК": FacilityKind.COLONY,
    "VK": FacilityKind.COLONY,
    "СИЗО": FacilityKind.SIZO,
    "СІЗА": FacilityKind.SIZO,
    "СІЗО": FacilityKind.SIZO,
    "SIZO": FacilityKind.SIZO,
    "SIZA": FacilityKind.SIZO,
    "ИУОТ": FacilityKind.OPEN_FACILITY,
    "ПУАТ": FacilityKind.OPEN_FACILITY,
    "ЦИП": FacilityKind.DETENTION_CENTRE,
    "ЦІП": FacilityKind.DETENTION_CENTRE,
    "ИВС": FacilityKind.DETENTION_CENTRE,
    "ІЧУ": FacilityKind.DETENTION_CENTRE,
    "ЦИПиО": FacilityKind.DETENTION_CENTRE,
}

# Qualifiers some facilities require (and others must not see): the KGB remand prison, the
# juvenile colony. ``strong`` qualifiers name the facility with its kind word alone ("СИЗО КГБ").
QUALIFIERS: dict[str, tuple[bool, tuple[str, ...]]] = {
    "kgb": (True, ("КГБ", "КДБ", "KGB", "KDB")),
    "juvenile": (
        False,
        ("воспитательная", "выхаваўчая", "juvenile", "educational", "wychowawcza", "ВК", "VK"),
    ),
}

# Between a kind word and its number: "колония № 9", "colony No. 9", "kolonia karna nr 9".
NUMBER_FILLERS = frozenset(
    {
        "no",
        "nr",
        "n",
        "number",
        "num",
        "номер",
        "нумар",
        "numer",
        "karna",
        "karnej",
        "penal",
        "correctional",
        "исправительная",
        "исправительной",
        "папраўчая",
        "папраўчай",
        "nummer",
        "č",
        "rehabilitation",
    }
)

# Prepositions and small words allowed between a kind word and a town ("колония в Горках").
TOWN_FILLERS = frozenset(
    {
        "в",
        "у",
        "ў",
        "w",
        "we",
        "u",
        "in",
        "at",
        "of",
        "the",
        "town",
        "city",
        "горада",
        "города",
        "na",
        "на",
        "im",
        "von",
        "nr",
        "no",
        "№",
        "penal",
        "correctional",
        "karna",
        "karnej",
        "women",
        "women's",
        "womens",
        "жаночая",
        "женская",
        "жаночай",
        "женской",
        "исправительная",
        "исправительной",
        "папраўчая",
        "папраўчай",
    }
)

# Words between a town adjective and the kind word, by stem: "Гомельскую жаночую калонію",
# "Homielskaj žanočaj kałoniji", "шкловской исправительной колонии", "Horki penal colony".
TOWN_FILLER_STEMS = (
    "жаноч",
    "женск",
    "жіноч",
    "zanoc",
    "zenska",
    "kobiec",
    "women",
    "female",
    "frauen",
    "исправительн",
    "папраўч",
    "papraucz",
    "papraucaj",
    "виправн",
    "penal",
    "correction",
    "karn",
    "strict",
    "строг",
    "стро",
    "общ",
    "усилен",
    "узмоцн",
    "агульн",
)


def is_town_filler(token: str) -> bool:
    low = token.lower()
    return low in TOWN_FILLERS or low.startswith(TOWN_FILLER_STEMS)


# Surnames that are common words or very common surnames: alone they need a full mention elsewhere
# in the document, context is not enough (Znak = "sign"; Пушкин is the poet).
RISKY_SURNAMES = frozenset(
    {
        "знак",
        "znak",
        "пушкин",
        "пушкін",
        "pushkin",
        "соловьёв",
        "соловьев",
        "колесникова",
        "андреева",
        "андрэева",
        "золотова",
        "александров",
        "аляксандраў",
        "карней",
        "белавус",
    }
)

# Nouns that refer back to the person just named ("The journalist...", "Анархіст адбывае...",
# "his wife says the letters stopped"), folded (ё>е, й>и, ł>l, no diacritics) like the engine's
# tokens. A sentence opening with one carries its events to that person.
_REFERRING_NOUNS = """
journalist journalists activist blogger anarchist politician musician artist defender volunteer
prisoner wife husband daughter son mother father sister brother family relatives
журналист журналиста журналистка журналистку активист активистка блогер анархист анархиста
политик музыкант художник правозащитник правозащитница волонтер волонтерка политзаключенный
политзаключенная политзаключенного жена муж дочь сын мать отец сестра брат родные родственники
журналіст журналіста журналістка журналістку актывіст актывістка анархіст анархіста палітык
музыка мастак праваабаронца валанцер валанцерка валанцерку палітвязень палітвязня жонка мужа
дачка маці бацька сястра родныя сваякі сям'я
dziennikarz dziennikarka dziennikarza aktywista aktywistka bloger anarchista polityk muzyk
artysta obronca wolontariusz wolontariuszka wiezien zona maz corka matka ojciec siostra rodzina
bliscy
journalistin aktivist aktivistin politiker politikerin musikerin kunstler menschenrechtler frau
ehemann tochter sohn mutter vater schwester bruder familie angehorige
журналістка активіст активістка анархіст політик музикант правозахисник політв'язень дружина
чоловік донька мати батько родина рідні
zurnalist zurnalistka aktyvist palityk muzyka mastak pravaabaronca valancior valanciorka
palitviazien zonka muz dacka maci backa siastra rodnyja svajaki
"""

# Pronouns that open a sentence referring back to the person just named.
PRONOUNS = frozenset(
    [
        "he",
        "she",
        "his",
        "her",
        "him",
        "they",
        "their",
        "it",
        "its",
        "он",
        "она",
        "его",
        "ее",
        "её",
        "ему",
        "ей",
        "им",
        "их",
        "ён",
        "яна",
        "яго",
        "ёй",
        "ім",
        "іх",
        "яе",
        "on",
        "ona",
        "jego",
        "jej",
        "go",
        "mu",
        "niej",
        "nim",
        "er",
        "sie",
        "ihm",
        "ihn",
        "ihr",
        "sein",
        "seine",
        "seiner",
        "він",
        "вона",
        "його",
        "її",
        # more forms, and the folded spellings the engine compares with (ё>е, й>и, ї>і)
        "ен",
        "еи",
        "іі",
        "иого",
        "него",
        "нее",
        "ней",
        "нем",
        "нему",
        "ним",
        "ними",
        "яму",
        "ею",
        "ёю",
        "ён",
        "нім",
        "ёй",
        "иому",
        "йому",
        "неі",
        "неї",
        "нього",
        "jon",
        "jana",
        "jaho",
        "jamu",
        "joj",
        "jaje",
        "jany",
        "niego",
        "nią",
        "nia",
        "jemu",
        "ihre",
        "ihren",
        "seinen",
        "seinem",
        "beide",
        "beiden",
        "both",
        "оба",
        "обе",
        "абодва",
        "абедзве",
        "obaj",
        "obie",
        "обидва",
        "обидві",
    ]
) | frozenset(_REFERRING_NOUNS.split())
