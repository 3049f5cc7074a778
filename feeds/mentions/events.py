"""What happened: multilingual cue stems per event type, matched in one sentence at a time.

Sentences are folded first (lower case, diacritics, ё/й/ў, ł) so one stem covers be/ru/uk/pl/en/de
spellings: "этапировали"/"этапавалі"/"przewieziony"/"transferred" all land on ``transfer``. A cue
right after a negation ("not freed", "не освобождён", "refused to ...") does not count.
"""

from __future__ import annotations

import re
from functools import lru_cache

from feeds.mentions import modality
from feeds.mentions.models import EventType as E
from feeds.mentions.scripts import alternatives, fold

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
        r"apprehended",
        r"picked up by (?:the )?(?:police|security|kgb)",
        r"detention of",
        r"re-?detained",
        r"взяли под арест",
        r"zatrzymani",
        r"festnahme",
        r"inhaftiert",
        r"in gewahrsam",
        r"арештова",
        r"взяли під варту",
        r"seized",
        r"схапіл",
        r"схватил",
        r"заарешту",
        r"арештува",
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
        r"обвинил",
        r"инкриминир",
        r"вменя\w* (?:\w+ )?(?:стат|стать|организац|участи)",
        r"возбу(?:жд|д)\w* (?:\w+ ){0,2}дел",
        r"(?:criminal )?case (?:was |has been |had been )?(?:opened|launched|initiated|brought)",
        r"opened (?:a |another )?(?:criminal )?case",
        r"faces? (?:\w+ )?charges",
        r"узбудз\w* (?:\w+ ){0,2}справ",
        r"інкрымін",
        r"wszcz\w* (?:\w+ ){0,2}(?:spraw|postepowani|sledztw)",
        r"zarzuca",
        r"strafverfahren",
        r"ermittlungsverfahren",
        r"vorgeworfen",
        r"beschuldigt",
        r"порушил\w* (?:\w+ ){0,2}справ",
        r"порушено (?:\w+ ){0,2}справ",
        r"інкримін",
        r"accus\w* (?:\w+ ){0,2}of",
    ),
    E.TRIAL: (
        r"(?<!pre-)(?<!pre)trial\b",
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
        r"behind closed doors",
        r"closed-door",
        r"stands? trial",
        r"went on trial",
        r"за закрытыми дверями",
        r"в закрытом режиме",
        r"закрыт\w* (?:судебн\w* )?(?:процесс|заседани|суд)\b",
        r"рассматрива\w* (?:уголовн\w* )?дел",
        r"судят\b",
        r"суд\w* (?:\w+ ){0,2}(?:начался|начнется|продолжа)",
        r"ожида\w* (?:нов\w* )?суда\b",
        r"за зачыненымі дзвярыма",
        r"судзяць",
        r"разгляда\w* (?:крымінальн\w* )?справ",
        r"чака\w* (?:нов\w* )?суда\b",
        r"чака\w* (?:нов\w* )?суду\b",
        r"zamknietymi drzwiami",
        r"zamknietych drzwiach",
        r"sad odbyl",
        r"przed sadem",
        r"procesie",
        r"procesem",
        r"czeka\w* na (?:nowy )?(?:proces|sad)",
        r"verschlossenen turen",
        r"vor gericht",
        r"gerichtsprozess",
        r"за зачиненими дверима",
        r"закрит\w* (?:судов\w* )?(?:процес|засідан|режим)",
        r"судитимуть",
        r"процес\b",
        r"(?:передал\w*|передан\w*|направл\w*|перадал\w*|скірава\w*) (?:\w+ )?(?:в|у|до) суд\b",
        r"(?:trafil\w*|skierowan\w*|przekazan\w*) do sadu",
        r"(?:went|sent|referred) to court",
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
        r"skazal\w* (?:\w+ ){0,3}na\b",
        r"wyrok\b",
        r"verurteil",
        r"засуджен",
        r"засудил",
        r"(?:got|gets|received|receives|given|handed(?: down)?) (?:a |an |another )?(?:new )?(?:[\w-]+ ){0,2}(?:sentence|prison term|years?|months?|days?)\b",
        r"\w+ days? of (?:administrative )?(?:arrest|detention)",
        r"назначил\w* (?:\w+ ){0,3}(?:\d+|\w+) (?:год|года|лет|суток|месяц\w*)\b",
        r"получил\w* (?:\w+ ){0,2}(?:\d+|\w+) (?:год|года|лет|суток)\b",
        r"получил\w* (?:нов\w* |реальн\w* )?срок",
        r"атрыма\w* (?:\w+ ){0,2}(?:\d+|\w+) (?:гадоў|гады|год|сутак|месяц\w*)\b",
        r"атрыма\w* (?:нов\w* )?тэрмін",
        r"прызначы\w* (?:\w+ ){0,3}(?:\d+|\w+) (?:гадоў|гады|год|сутак)\b",
        r"otrzyma\w* (?:\w+ ){0,2}(?:\d+|\w+) (?:lat|lata|dni|miesi\w*)\b",
        r"dosta\w* (?:\w+ ){0,2}(?:\d+|\w+) (?:lat|lata|dni)\b",
        r"zu (?:je )?(?:\d+|\w+) (?:jahren|monaten|tagen)\b",
        r"haftstrafe von",
        r"отрима\w* (?:\w+ ){0,2}(?:\d+|\w+) (?:років|роки|рік|діб)\b",
        r"призначи\w* (?:\w+ ){0,3}(?:\d+|\w+) (?:років|роки|рік|діб)\b",
        r"jailed (?:\w+ ){0,2}for",
        r"gave (?:him|her|them) (?:\w+ ){0,2}(?:years|months|days)\b",
        r"verhang",
        r"wymierzy\w* (?:\w+ )?kar",
        r"вынес\w* (?:\w+ )?приговор",
        r"вынес\w* (?:\w+ )?прысуд",
        r"винис\w* (?:\w+ )?вирок",
        r"виніс\w* (?:\w+ )?вирок",
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
        r"(?:verdict|sentence|ruling) (?:\w+ ){0,2}unchanged",
        r"приговор\w* (?:\w+ ){0,2}без изменени",
        r"прысуд\w* (?:\w+ ){0,2}без змен",
        r"wyrok\w* (?:\w+ ){0,2}bez zmian",
        r"rechtskraftig",
        r"вирок\w* (?:\w+ ){0,2}без змін",
        r"набра\w* (?:законн\w* )?сил",
        r"отклонил\w* (?:\w+ ){0,2}жалоб",
        r"адхіліл\w* (?:\w+ ){0,2}скарг",
        r"кассационн",
        r"касацыйн",
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
        r"relocated",
        r"transported to",
        r"trafil\w* do szpitala",
        r"etapem",
        r"в (?:друг\w* )?(?:колони|тюрьм)\w* (?:\w+ )?(?:перевел|этапир)",
        r"(?:ins|in ein|in das) (?:\w+ )?(?:gefangnis|straflager|lager|untersuchungsgefangnis)\b(?: \w+){0,4} gebracht",
    ),
    E.PUNISHMENT_CELL: (
        r"sh?izo",
        r"s?hizo",
        r"шизо",
        r"шiза",
        r"шіза",
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
        r"карцэр",
        r"шызо",
        r"karzer",
        r"strafisolator",
        r"disziplinarzelle",
        r"isolationshaft",
        r"камерн\w* тип",
        r"isolation cell",
        r"шізо",
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
        r"без права переписки",
        r"лишен\w* (?:права )?переписк",
        r"keine\w* (?:nachricht|lebenszeichen|briefe|post)",
        r"nichts (?:mehr )?(?:von (?:ihr|ihm) )?gehort",
        r"немає (?:листів|зв'язку|звісток)",
        r"не отриму\w* (?:\w+ ){0,2}лист",
        r"листи (?:\w+ )?не (?:доход|прихо)",
        r"без зв'язку",
        r"нічого не відомо",
        r"писем (?:\w+ ){0,3}нет",
        r"лістоў (?:\w+ ){0,3}няма",
        r"листів (?:\w+ ){0,3}немає",
        r"листи (?:\w+ ){0,3}не (?:доход|прихо)",
        r"listow (?:\w+ ){0,3}(?:nie ma|brak)",
        r"cut off from",
        r"ohne kontakt",
        r"kontakt zur aussenwelt",
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
        r"госпитал",
        r"реанимац",
        r"рэанімац",
        r"operacj",
        r"przeszl\w* operac",
        r"krank",
        r"erkrank",
        r"medizinisch",
        r"arzt",
        r"diabet",
        r"диабет",
        r"дыябет",
        r"инвалид",
        r"інвалід",
        r"cardiolog",
        r"кардиолог",
        r"кардыёлаг",
        r"кардіолог",
        r"схуд",
        r"захвор",
        r"захвар",
        r"zachorowa",
        r"chory\b",
        r"chora\b",
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
        r"refus\w* (?:to eat|food)",
        r"отказ\w* от (?:еды|пищи|приема пищи)",
        r"голодал",
        r"галадал",
        r"адмаўл\w* ад ежы",
        r"адмовіў\w* ад ежы",
        r"odmawia\w* (?:przyjmowania )?(?:jedzenia|posilkow)",
        r"odmowil\w* (?:przyjmowania )?(?:jedzenia|posilkow)",
        r"verweiger\w* (?:die )?nahrung",
        r"nahrungsaufnahme",
        r"selbstverletz",
        r"відмовля\w* від їжі",
        r"відмови\w* від їжі",
        r"голоду",
        r"вскрыл\w* вены",
        r"перерезал\w* вены",
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
        r"another (?:criminal )?case",
        r"new trial",
        r"disobe(?:y|dience)",
        r"insubordination",
        r"нов\w* стат",
        r"нов\w* обвинени",
        r"злостн\w* неповиновени",
        r"нов\w* артыкул",
        r"нов\w* абвінавачванн",
        r"злосн\w* непадпарадкаван",
        r"нов\w* суд",
        r"kolejn\w* (?:\w+ )?(?:spraw|zarzut)",
        r"nowe zarzuty",
        r"nieposluszenst",
        r"weitere\w* verfahren",
        r"neue\w* anklage",
        r"ungehorsam",
        r"злісн\w* непокор",
        r"нов\w* обвинуваченн",
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
        r"walked out of (?:the )?(?:colony|prison|jail|detention)",
        r"(?:is|are|was|were) (?:now |finally )?free\b",
        r"вышл?\w* из (?:колонии|тюрьмы|сизо|заключения)",
        r"выш(?:ел|ла|ли) на волю",
        r"выйш\w* з (?:калоніі|турмы|сізо|сіза|зняволення)",
        r"uwolni",
        r"wyszedl\w* z (?:kolonii|wiezienia|aresztu)",
        r"wyszla z (?:kolonii|wiezienia|aresztu)",
        r"ist (?:wieder )?frei\b",
        r"sind (?:wieder )?frei\b",
        r"entlassen",
        r"kam\w* frei",
        r"auf freiem fuss",
        r"звільни",
        r"вийш\w* на свобод",
        r"вийш\w* з (?:колонії|в'язниці|сізо)",
        r"kam\w* (?:\w+ ){0,5}frei\b",
        r"opuscil\w* (?:kolonie|wiezienie|areszt)",
        r"left (?:the )?prison",
    ),
    E.RELEASED_EXPELLED: (
        r"deported",
        r"expelled",
        r"deportation",
        r"forced (?:out|to leave)",
        r"taken (?:out )?(?:to|across) (?:lithuania|ukraine|poland|latvia|the border)",
        r"taken abroad",
        r"вывез\w* (?:\w+ ){0,3}(?:в |у |ў |на |за |к |да |до )?(?:литв|літв|украин|украін|польш|латви|латві|границ|мяж|рубеж|кордон)",
        r"депортирова",
        r"выдворен",
        r"выслан",
        r"дэпартава",
        r"выслалі",
        r"deportowan",
        r"wydalon",
        r"ausgewiesen",
        r"abgeschoben",
        r"депортова",
        r"flown (?:\w+ ){0,2}to (?:vilnius|lithuania|kyiv|ukraine|poland|warsaw|the border)",
        r"handed (?:over )?to (?:ukraine|lithuania|the ukrainian|poland)",
        r"taken (?:out )?(?:to|across) (?:vilnius|kyiv)",
        r"передан\w* (?:\w+ ){0,2}(?:украин|литв)",
        r"передали (?:\w+ ){0,2}(?:украин|литв)",
        r"перада\w* (?:\w+ ){0,2}(?:украін|літв)",
        r"przekazan\w* (?:\w+ ){0,2}(?:ukrain|litw|stronie ukrainsk)",
        r"wywiezi\w* (?:\w+ ){0,3}(?:na ukraine|do litwy|za granice|na litwe|do polski)",
        r"ausgeflogen",
        r"(?:nach litauen|in die ukraine|nach polen|ins ausland) (?:\w+ ){0,2}(?:gebracht|gefahren)",
        r"передал\w* (?:\w+ ){0,2}україн",
        r"вивез\w* (?:\w+ ){0,3}(?:до |в |у |за )?(?:литв|україн|польщ|кордон)",
        r"видвор",
        r"deportava",
        r"депорту",
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
        r"(?:under|after|following|by|via|through) (?:a |an )?(?:presidential )?pardon\b",
        r"по помиловани",
        r"pa pamilavann",
        r"па памілаванн",
        r"(?:na mocy|w drodze|po) ulaskawieni",
        r"begnadigung",
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
        r"found dead",
        r"гибел",
        r"загінула",
        r"nie zyje",
        r"ums leben",
        r"tod\b",
        r"загину",
    ),
    E.LISTED_EXTREMIST: (
        r"extremist",
        r"экстремист",
        r"экстрэміс",
        r"ekstremist",
        r"екстреміст",
        r"экстрэмісц",
        r"extremistenliste",
    ),
    E.LISTED_TERRORIST: (
        r"terrorist",
        r"террорист",
        r"тэрарыст",
        r"terroryst",
        r"терорист",
        r"тэрарысц",
        r"terrorliste",
        r"terroristenliste",
        r"terror list",
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
        r"recogni[sz]\w* (?:[\w.'-]+ ){0,8}?as (?:a |the )?political prisoners?",
        r"recognition (?:\w+ ){0,3}as (?:a )?political prisoner",
        r"призна\w* (?:[^ ]+ ){0,5}?политзаключ",
        r"прызна\w* (?:[^ ]+ ){0,5}?палітвязн",
        r"uzna\w* (?:[^ ]+ ){0,5}?za wiezni",
        r"als politische\w* gefangene\w* anerkannt",
        r"anerkannt (?:\w+ ){0,4}als politische",
        r"визна\w* (?:[^ ]+ ){0,5}?політв",
        r"(?:named|declared|designated) (?:\w+ ){0,3}(?:a )?political prisoner",
        r"erkannt\w* (?:\w+ ){0,3}als politische\w* gefangene\w* an",
    ),
    # something happened that fits no type: prizes and honours
    E.OTHER: (
        r"prize",
        r"award(?:ed|s)?\b",
        r"honou?r(?:ary|ed)\b",
        r"преми",
        r"наград",
        r"награж",
        r"почетн\w* граждан",
        r"прэмі",
        r"узнагарод",
        r"ганаров\w* грамадзян",
        r"nagrod",
        r"wyroznien",
        r"honorow\w* obywatel",
        r"preis\b",
        r"preistrager",
        r"auszeichnung",
        r"ausgezeichnet",
        r"ehrenburger",
        r"премі",
        r"нагород",
    ),
}

# The list events need the list word too: "extremist" alone is not being listed.
_LIST_WORDS = re.compile(
    r"\b(?:list|register|registry|перечень|перечн|список|спис|спіс|пералік|перелік|lista|liste|spis"
    r"|pieralik|verzeichnis|\w+liste\b)",
    re.I,
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

# "Journalist X, sentenced to 14 years for ...": backstory in apposition, not news (but
# "X, according to Viasna, got 15 days" is news)
_FINITE_SENTENCE = (
    "атрыма", "atryma", "получ", "otrzyma", "dosta", "got", "gets", "receiv", "given", "handed",
    "назнач", "прызнач", "pryznac", "отрима", "призначи",
)  # fmt: skip
_APPOSITION = re.compile(r",\s*(?:who was |который был |які быў )?$")
# "a released prisoner", "due to be released", "freed earlier this year": not a release now;
# "many of his cellmates were freed": somebody else's release
_NOT_NOW_BEFORE = re.compile(
    r"(?:\ba|due to be|to be|will be|would be|could be|calls? for"
    r"|(?:сокамерн|сукамерн|sukamiern|cellmate|fellow|други|іншы|innych|andere)\w*(?:\s+\w+)?)\s+$"
)
_NOT_NOW_AFTER = re.compile(
    r"\w*\s+(?:prisoners?|inmates?|detainees?|earlier|last|previously|сукамерн\w*|вязн\w*"
    r"|палітвязн\w*|заключ\w*|sukamiern\w*|viazn\w*|wiezn\w*)"
)
# "since his arrest", "после ареста": the arrest is backstory
_ARREST_BACKSTORY = re.compile(
    r"(?:\bsince|\bafter|\bbefore|\bfollowing|\bс момента|\bпосле|\bпасля|\bз моманту|\bseit"
    r"|\bnach|\bod czasu|\bпісля|\bз часу|\bpo)\s+(?:(?:his|her|their|the|its|его|её|ее|яго|яе"
    r"|seiner|ihrer|jego|jej|його|її|іі|jaho|jaje)\s+)?$"
)
# "a petition for pardon", "прашэнне аб памілаванні": asking is not being pardoned
_PETITION = re.compile(
    r"(?:прошени|ходатайств|прашэнн|хадайніцтв|просьб|prosb|wnios|petition|ask|request|plea"
    r"|клопотанн|прохан|gnadengesuch|apply|applied|praszenn|prasenn|chadajnictv)\w*\s+(?:\w+\s+){0,2}$"
)
# "refused to leave Belarus": no expulsion
_REFUSED_TO_LEAVE = re.compile(
    r"(?:refus\w*|declin\w*) to leave|отказал\w* (?:\w+ )?покида|отказал\w* (?:\w+ )?уезжа"
    r"|адмовіў\w* (?:\w+ )?пакіда|admoviu\w* (?:\w+ )?pakida|odmowil\w* (?:\w+ )?(?:wyjazdu|opuszcz)"
    r"|відмови\w* (?:\w+ )?(?:залиша|покида|виїжджа)|weigert\w* sich\W+(?:\w+\s+){0,3}zu verlassen"
)
# "soon to be moved": not a transfer yet
_FUTURE_BEFORE = re.compile(
    r"(?:\bsoon|\bскоро|\bвскоре|\bхутка|\bchutka|\bwkrotce|\bbald|\bнезабаром|\bбудет|\bбудзе)\s+(?:\w+\s+)?$"
)
# a question: "?" ending the sentence (before closing quotes or brackets)
_QUESTION = re.compile(r"\?[\s\"»”)\]]*$")
# "Ł ŠIZA" folds to "siza" like Łacinka SIZA (the remand prison): check the unfolded text
_SIZA = re.compile(r"(?<![\w])(?:šiza|šyza|шіза|шiза|шиза)", re.I)


def _negated(text: str, start: int, end: int) -> bool:
    return (
        _NEGATION.search(text, max(0, start - 40), start) is not None
        or _NEGATION_AFTER.match(text, end) is not None
    )


@lru_cache(maxsize=8192)
def sentence_events(sentence: str) -> tuple[E, ...]:
    """Event types a sentence reports, in ``EventType`` order."""
    text = fold(sentence)
    found: list[E] = []
    cells: list[int] | None = None
    asked = _QUESTION.search(sentence) is not None
    for event, pattern in _COMPILED:
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if event in _NEGATABLE and _negated(text, start, end):
                continue
            if modality.unreal(text, start, end, event.value, asked, alternatives):
                continue
            if event in (E.LISTED_EXTREMIST, E.LISTED_TERRORIST) and not _LIST_WORDS.search(text):
                continue
            if (
                event is E.SENTENCED
                and not match.group().startswith(_FINITE_SENTENCE)
                and _APPOSITION.search(text, 0, start)
            ):
                continue
            if event is E.ARREST and _ARREST_BACKSTORY.search(text, max(0, start - 30), start):
                continue
            if event is E.PARDONED and _PETITION.search(text, max(0, start - 40), start):
                continue
            if event is E.RELEASED_EXPELLED and _REFUSED_TO_LEAVE.search(text):
                continue
            if (
                event is E.PUNISHMENT_CELL
                and match.group() == "siza"
                and not _SIZA.search(sentence)
            ):
                continue
            if event is E.TRANSFER:
                if _FUTURE_BEFORE.search(text, max(0, start - 25), start):
                    continue
                if cells is None:
                    cells = _cell_starts(text)
                # "переведён в ШИЗО", "przeniesiony do karceru": a punishment, not a transfer
                if any(end <= c <= end + 30 for c in cells):
                    continue
            if event is E.RELEASED and (
                _NOT_NOW_BEFORE.search(text, max(0, start - 30), start)
                or _NOT_NOW_AFTER.match(text, end)
            ):
                continue
            found.append(event)
            break
    return _tidy(found)


def _cell_starts(text: str) -> list[int]:
    return [m.start() for m in _CELL.finditer(text)]


def _tidy(found: list[E]) -> tuple[E, ...]:
    """Resolve overlaps between the types one sentence reports."""
    present = set(found)
    if E.RELEASED_EXPELLED in present:
        present.discard(E.RELEASED)
    if E.DIED in present:
        # "died in the prison hospital": the death is the news
        present.discard(E.HEALTH)
    if E.SENTENCED in present:
        # "sentenced to 13 years on charges of ...": the charges are backstory
        present.discard(E.CHARGED)
    if E.OTHER in present and len(present) > 1:
        present.discard(E.OTHER)
    return tuple(e for e in found if e in present)


_CELL = dict(_COMPILED)[E.PUNISHMENT_CELL]
