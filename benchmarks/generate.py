"""A seeded generator of realistic engagements, valid under the core's rules.

`write_projects(folder, n, seed)` writes `_policies.yml` (the repository's own) and `n`
engagement files that look like years of a studio's work: mostly finished engagements
going back to 2019, some active (early, late, waiting on a gate payment), scheduled,
proposals, on hold and cancelled; in English, Spanish, Russian and Arabic, with each
country's calendar and currency; from two stages and a short note to a dozen stages and a
long scope. The same seed always writes the same bytes.

Validity by construction: every stage that has a `done` date also has a `started` date
(a recorded `started` replaces the computed opening date, so `done` can never fall before
the stage could open), `started <= done <= today`, payments add up to the fee exactly,
only signed engagements carry dates, and shares are unique. tests/test_benchmarks.py
checks a generated set with `build_board`.
"""

from __future__ import annotations

import random
import re
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
POLICIES = REPO / "projects" / "_policies.yml"
TODAY = date(2026, 11, 20)
"""The day the example engagements (and these) are written for; the sites pin it."""
OLDEST = date(2019, 1, 7)
SHARE_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# What share of a long-lived studio's files are in each state.
STATES = (("done", 55), ("active", 20), ("proposal", 10), ("cancelled", 6), ("scheduled", 5), ("on-hold", 4))
# How many stages, and how long the scope text is.
SIZES = (("small", 30), ("medium", 50), ("large", 20))


@dataclass(frozen=True)
class Locale:
    """Where a client is: its calendar, currency and the rate of that currency to USD."""

    country: str | None  # None: the policies' own calendar (US, CA)
    subdivision: str | None
    currency: str
    per_usd: int
    workdays: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    phone: str = "+1 555"


LOCALES: dict[str, list[Locale]] = {
    "en": [
        Locale(None, None, "USD", 1),
        Locale("GB", "ENG", "GBP", 1, phone="+44 20 5555"),
        Locale("IE", None, "EUR", 1, phone="+353 1 555"),
        Locale("CA", "ON", "CAD", 1, phone="+1 416 555"),
        Locale("AU", None, "AUD", 2, phone="+61 2 5555"),
        Locale("JP", None, "JPY", 150, phone="+81 3 5555"),
    ],
    "es": [
        Locale("ES", "MD", "EUR", 1, phone="+34 915 555"),
        Locale("MX", None, "MXN", 18, phone="+52 55 5555"),
        Locale("CO", None, "COP", 4000, phone="+57 601 555"),
        Locale("AR", None, "ARS", 1000, phone="+54 11 5555"),
    ],
    "ru": [Locale("RU", None, "RUB", 90, phone="+7 495 555")],
    "ar": [
        Locale("SA", None, "SAR", 4, ("sun", "mon", "tue", "wed", "thu"), "+966 11 555"),
        Locale("AE", None, "AED", 4, phone="+971 4 555"),
        Locale("EG", None, "EGP", 50, ("sun", "mon", "tue", "wed", "thu"), "+20 2 555"),
    ],
}
LANGUAGE_WEIGHTS = (("en", 50), ("es", 22), ("ru", 14), ("ar", 14))

# Words per language: clients, projects, stages, payments, people, and scope text.
WORDS: dict[str, dict[str, list[str]]] = {
    "en": {
        "client_a": ["Acme", "Blue Harbor", "Maple Street", "Northgate", "Riverside", "Copper Kettle",
                     "Oak & Ember", "Silverline", "Brightside", "Juniper", "Old Mill", "Harbor Light",
                     "Greenleaf", "Smith & Sons", "Hilltop", "Lakeview", "Red Door", "Sunrise"],
        "client_b": ["Bakery", "Dental Clinic", "Law Office", "Yoga Studio", "Hardware", "Café", "Florist",
                     "Bookshop", "Brewery", "Fitness", "Veterinary Clinic", "Architects", "Hotel", "Pharmacy"],
        "project": ["Website redesign", "Online shop", "Brand identity", "Class booking app",
                    "Spring catalogue", "Menus and window signage", "Newsletter templates", "Annual report",
                    "Packaging design", "Customer portal", "Photo shoot and gallery", "Trade show stand"],
        "client_stage": ["Kick-off materials", "Content and photos", "Design approval", "Review of the build",
                         "Copy sign-off", "Proof approval", "Feedback on the prototype", "Final sign-off",
                         "Product list and prices", "Testing with staff"],
        "us_stage": ["Discovery workshop", "Sitemap and wireframes", "Visual design", "Build", "Copywriting",
                     "Photography", "Print preparation", "Search engine setup", "Launch", "Training and handover",
                     "Prototype", "Illustrations", "Accessibility review", "Migration of old content"],
        "payment": ["Deposit", "Design approved", "Second instalment", "Third instalment", "Launch", "Final payment"],
        "person": ["Dana Ruiz", "Owen Park", "Martha Smith", "Siobhan Kelly", "Priya Nair", "Tom Baker",
                   "Grace Liu", "Ahmed Khan", "Laura Chen", "Mike O'Neil"],
        "us_person": ["Sam Lee", "Priya Nair", "Kenji Abe", "Rosa Diaz"],
        "heading": ["What we are making", "Included", "Not included", "How the design round works",
                    "Before we start", "Notes", "Training and handover", "After the launch"],
        "sentence": [
            "A new website that shows what you offer and is easy for your team to update from a phone.",
            "You receive the designs of the main pages at once, with a short note on each decision.",
            "Please collect everyone's comments and send one list of changes, or your approval, by the date on this page.",
            "The build starts once the design is approved and the second payment is in.",
            "We test every page on phones, tablets and computers before anything goes live.",
            "Photography is not included: we work with the photos you send in the kick-off materials.",
            "Every date on this page moves with the work: if something is late, the page says so.",
            "One hour of training is included for whoever keeps the pages up to date.",
            "Small changes after the launch are answered within two working days.",
            "New work is scheduled into our production plan and quoted before we start.",
            "The copy is written with you in two short interviews and one round of edits.",
            "Prices, opening hours and the menu stay editable by your staff without our help.",
        ],
        "item": ["Up to five page types", "Pre-orders by e-mail with a pickup time", "A short style guide",
                 "A contact form that reaches the right person", "Maps and opening hours",
                 "Online payment (a second phase)", "Printed materials", "Hosting for the first year",
                 "Search engine basics", "Three rounds of changes on the copy"],
    },
    "es": {
        "client_a": ["Panadería", "Clínica", "Taquería", "Librería", "Estudio", "Ferretería", "Floristería",
                     "Cafetería", "Óptica", "Bodega"],
        "client_b": ["La Espiga", "Sonrisa", "Los Hermanos", "El Faro", "Luna", "San Miguel", "Del Parque",
                     "La Estrella", "El Roble", "Santa Fe"],
        "project": ["Tienda online", "Web y citas online", "Pedidos en línea", "Identidad visual",
                    "Catálogo de productos", "Rediseño de la web", "Carta y señalética", "Boletín mensual"],
        "client_stage": ["Contenidos y fotografías", "Revisión del diseño", "Aprobación de textos",
                         "Revisión de la web", "Visto bueno final", "Lista de productos y precios",
                         "Pruebas con el equipo"],
        "us_stage": ["Taller inicial", "Mapa del sitio y bocetos", "Diseño de la tienda", "Desarrollo y pruebas",
                     "Redacción de textos", "Fotografía", "Puesta en marcha", "Formación", "Prototipo",
                     "Ilustraciones", "Migración de contenidos", "Preparación para imprenta"],
        "payment": ["Anticipo", "Diseño aprobado", "Segundo pago", "Tercer pago", "Publicación", "Pago final"],
        "person": ["Lucía Fernández", "Javier Ortega", "Rodrigo Herrera", "Carmen López", "Pablo Ruiz",
                   "Ana Martínez", "Diego Torres", "Sofía Castro"],
        "us_person": ["Marta Gil", "Andrés Vega"],
        "heading": ["Alcance", "Incluido", "No incluido", "Sobre el calendario", "Cómo funciona la revisión",
                    "Después del lanzamiento"],
        "sentence": [
            "Una web nueva que muestra lo que ofrecéis y que vuestro equipo puede actualizar desde el móvil.",
            "Recibiréis los diseños de las páginas principales a la vez, con una nota sobre cada decisión.",
            "Por favor, reunid todos los comentarios y enviad una sola lista de cambios antes de la fecha indicada.",
            "El desarrollo empieza cuando el diseño está aprobado y el segundo pago ha llegado.",
            "Probamos cada página en móviles, tabletas y ordenadores antes de publicarla.",
            "La fotografía no está incluida: trabajamos con las fotos que nos enviéis al principio.",
            "Todas las fechas de esta página se mueven con el trabajo; si algo se retrasa, aquí se ve.",
            "Incluye una hora de formación para quien mantenga la web al día.",
            "Los cambios pequeños después del lanzamiento se atienden en dos días laborables.",
            "El trabajo nuevo se presupuesta y se encaja en nuestro calendario de producción.",
        ],
        "item": ["Hasta cinco tipos de página", "Reserva de citas online", "Guía de estilo",
                 "Formulario de contacto", "Mapa y horarios", "Pago con tarjeta y Bizum", "Material impreso",
                 "Alojamiento el primer año"],
    },
    "ru": {
        "client_a": ["Кофейня", "Пекарня", "Студия", "Типография", "Клиника", "Книжный магазин", "Мастерская",
                     "Цветочная лавка"],
        "client_b": ["«Зерно»", "«Печатный двор»", "«Берёзка»", "«Маяк»", "«Северная»", "«Лавка чудес»",
                     "«Самовар»", "«Огонёк»"],
        "project": ["Фирменный стиль и сайт", "Каталог продукции", "Интернет-магазин", "Редизайн сайта",
                    "Меню и вывеска", "Годовой отчёт", "Упаковка"],
        "client_stage": ["Тексты и фотографии", "Согласование макета", "Согласование стиля", "Проверка сайта",
                         "Итоговое согласование", "Список товаров и цены"],
        "us_stage": ["Установочная встреча", "Фирменный стиль", "Макет каталога", "Вёрстка всех страниц",
                     "Сайт и меню", "Подготовка к печати", "Запуск", "Обучение", "Прототип", "Иллюстрации",
                     "Перенос старых материалов"],
        "payment": ["Предоплата", "Макет утверждён", "Второй платёж", "Третий платёж", "Запуск сайта",
                    "Окончательный расчёт"],
        "person": ["Анна Соколова", "Сергей Волков", "Мария Иванова", "Дмитрий Орлов", "Елена Смирнова"],
        "us_person": ["Илья Петров", "Ольга Крылова"],
        "heading": ["Что мы делаем", "Что входит", "Что не входит", "О сроках", "Как проходит согласование"],
        "sentence": [
            "Новый сайт, который показывает ваши услуги и который ваша команда может обновлять с телефона.",
            "Макеты основных страниц вы получите сразу, с короткой запиской о каждом решении.",
            "Пожалуйста, соберите все замечания и пришлите один сводный список правок к дате на этой странице.",
            "Разработка начинается после согласования макета и второго платежа.",
            "Мы проверяем каждую страницу на телефонах, планшетах и компьютерах до запуска.",
            "Фотосъёмка не входит: мы работаем с фотографиями, которые вы пришлёте в начале.",
            "Все даты на этой странице движутся вместе с работой; если что-то задерживается, это видно здесь.",
            "Небольшие правки после запуска мы делаем за два рабочих дня.",
        ],
        "item": ["Логотип, палитра и шрифты", "Макет вывески", "Сайт из трёх страниц", "Меню для печати",
                 "Карта и часы работы", "Форма заказа", "Хостинг на первый год"],
    },
    "ar": {
        "client_a": ["مطعم", "شركة", "مقهى", "عيادة", "مكتبة", "متجر", "فندق"],
        "client_b": ["الواحة", "النخبة", "الريان", "النخيل", "السلام", "الأندلس", "البحر"],
        "project": ["موقع وتطبيق للطلبات", "هوية بصرية ومتجر إلكتروني", "إعادة تصميم الموقع", "كتالوج المنتجات",
                    "قائمة الطعام واللافتات", "تقرير سنوي"],
        "client_stage": ["المحتوى والصور", "اعتماد التصميم", "اعتماد الهوية", "مراجعة المتجر",
                         "الموافقة النهائية", "قائمة المنتجات والأسعار"],
        "us_stage": ["جلسة التعريف", "الهوية البصرية", "تصميم الواجهات", "التطوير", "كتابة المحتوى",
                     "التصوير", "الإطلاق", "التدريب والتسليم", "النموذج الأولي", "الرسوم التوضيحية"],
        "payment": ["الدفعة المقدمة", "دفعة اعتماد التصميم", "الدفعة الثانية", "الدفعة الثالثة",
                    "دفعة الإطلاق", "الدفعة الأخيرة"],
        "person": ["نورة العتيبي", "خالد المنصوري", "سارة الحربي", "عمر الشامي", "ريم القحطاني"],
        "us_person": ["ليلى حداد", "يوسف نصار"],
        "heading": ["نطاق العمل", "ما يشمله العمل", "ما لا يشمله العمل", "حول المواعيد", "كيف تتم المراجعة"],
        "sentence": [
            "موقع جديد يعرض خدماتكم ويستطيع فريقكم تحديثه من الهاتف بسهولة.",
            "تستلمون تصاميم الصفحات الرئيسية دفعة واحدة، مع ملاحظة قصيرة عن كل قرار.",
            "نرجو جمع كل الملاحظات وإرسال قائمة واحدة بالتعديلات أو الموافقة قبل الموعد المذكور في هذه الصفحة.",
            "يبدأ التطوير بعد اعتماد التصميم واستلام الدفعة الثانية.",
            "نختبر كل صفحة على الهواتف والأجهزة اللوحية والحواسيب قبل الإطلاق.",
            "التصوير غير مشمول: نعمل بالصور التي ترسلونها في بداية المشروع.",
            "كل المواعيد في هذه الصفحة تتحرك مع العمل، وإذا تأخر شيء يظهر هنا.",
            "نرد على التعديلات الصغيرة بعد الإطلاق خلال يومي عمل.",
        ],
        "item": ["الشعار والألوان والخطوط", "متجر بالعربية والإنجليزية", "الدفع عبر مدى والبطاقات",
                 "قائمة الطعام مع الصور", "لوحة للمطبخ لمتابعة الطلبات", "الاستضافة للسنة الأولى"],
    },
}

PLAIN = re.compile(r"[^\W\d_][\w .&'()«»/-]*[\w.)»]|[^\W\d_]", re.UNICODE)
"""Text safe as a plain YAML scalar in block and flow context (else it is quoted)."""


def weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    # One choice from (value, weight) pairs.
    return rng.choices([v for v, _ in table], [w for _, w in table])[0]


def add_workdays(day: date, n: int, workdays: tuple[str, ...]) -> date:
    # The n-th weekday of `workdays` after `day` (holidays are not needed for plausible dates).
    days = {WEEKDAY_NAMES.index(w) for w in workdays}
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() in days:
            n -= 1
    return day


def next_workday(day: date, workdays: tuple[str, ...]) -> date:
    # The first weekday of `workdays` after `day`.
    return add_workdays(day, 1, workdays)


def scalar(value: Any) -> str:
    # A value as YAML text: plain when safe, else double-quoted (JSON strings are YAML).
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, int):
        return f"{value}"
    text = str(value)
    if PLAIN.fullmatch(text) and text.lower() not in {"true", "false", "null", "yes", "no", "on", "off"}:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def flow(mapping: dict[str, Any]) -> str:
    # A flat mapping on one line, the way people write payments: {name: Deposit, amount: 30%}.
    parts = []
    for key, value in mapping.items():
        shown = f"{value}" if isinstance(value, str) and value.endswith("%") else scalar(value)
        parts.append(f"{key}: {shown}")
    return "{" + ", ".join(parts) + "}"


def slug(text: str) -> str:
    # An ASCII file-name part of a client name (empty for non-Latin names).
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def new_share(rng: random.Random, taken: set[str]) -> str:
    # 24 characters of a-z0-9, unique among `taken`.
    while True:
        share = "".join(rng.choice(SHARE_ALPHABET) for _ in range(24))
        if share not in taken:
            taken.add(share)
            return share


@dataclass
class StageDraft:
    """A stage as it will be written, with its recorded dates if any."""

    name: str
    owner: str
    days: int
    deliverables: list[str]
    started: date | None = None
    done: date | None = None


def draft_stages(rng: random.Random, words: dict[str, list[str]], size: str) -> list[StageDraft]:
    # Client materials, then our work and the client's approvals in turn; unique names.
    count = {"small": rng.randint(2, 3), "medium": rng.randint(4, 6), "large": rng.randint(7, 12)}[size]
    client_names = rng.sample(words["client_stage"], len(words["client_stage"]))
    us_names = rng.sample(words["us_stage"], len(words["us_stage"]))
    stages: list[StageDraft] = []
    owner = "client" if rng.random() < 0.7 else "us"
    for _ in range(count):
        pool = client_names if owner == "client" else us_names
        if not pool:  # ran out of one kind of name: use the other kind
            owner = "us" if owner == "client" else "client"
            pool = client_names if owner == "client" else us_names
        name = pool.pop()
        days = rng.randint(2, 7) if owner == "client" else rng.randint(3, 25)
        deliverables = rng.sample(words["item"], rng.randint(0, 3)) if rng.random() < 0.6 else []
        stages.append(StageDraft(name, owner, days, deliverables))
        owner = "client" if owner == "us" and rng.random() < 0.6 else "us"
    return stages


def record_progress(
    rng: random.Random, stages: list[StageDraft], start: date, workdays: tuple[str, ...], until: date | None
) -> None:
    # Give stages `started` and `done` dates in order, stopping at the first that ends after `until`.
    opens = start
    for stage in stages:
        if until is not None and opens > until:
            return
        factor = rng.uniform(0.7, 1.3) if stage.owner == "us" else rng.uniform(0.6, 2.6)
        length = max(1, round(stage.days * factor))
        done = add_workdays(opens, length - 1, workdays) if length > 1 else opens
        if until is not None and done > until:
            if rng.random() < 0.6:
                stage.started = opens
            return
        stage.started, stage.done = opens, done
        gap = rng.choice((1, 1, 1, 2, 3))
        opens = add_workdays(done, gap, workdays)


def fee_for(rng: random.Random, locale: Locale, size: str) -> int:
    # A fixed fee in the client's currency, a multiple of 100.
    usd = {"small": rng.randint(15, 80), "medium": rng.randint(40, 250), "large": rng.randint(150, 900)}[size] * 100
    return max(100, round(usd * locale.per_usd, -2))


PERCENT_SPLITS = ([100], [50, 50], [30, 40, 30], [40, 30, 30], [30, 30, 40], [25, 25, 25, 25], [20, 30, 30, 20])


def draft_payments(
    rng: random.Random, words: dict[str, list[str]], stages: list[StageDraft], fee: int | None, signed: date | None,
    today: date, all_paid: bool,
) -> list[dict[str, Any]]:
    # Payments that add up to the fee: a deposit at signing, then on approvals and the last stage.
    if fee is None:
        return [] if rng.random() < 0.5 else [
            {"name": words["payment"][-1], "amount": Decimal(rng.randint(5, 90) * 100), "due": stages[-1].name}
        ]
    split = list(rng.choice(PERCENT_SPLITS))
    split = split[: 1 + len(stages)] if len(split) > 1 + len(stages) else split
    if sum(split) != 100:
        split[-1] += 100 - sum(split)
    dues: list[str] = ["signing"] if len(split) > 1 else [stages[-1].name]
    approvals = [s.name for s in stages[:-1] if s.owner == "client"] or [s.name for s in stages[:-1]]
    middle = len(split) - len(dues) - (1 if len(split) > 1 else 0)
    picks = sorted(rng.sample(range(len(approvals)), min(middle, len(approvals))))
    dues += [approvals[i] for i in picks]
    while len(dues) < len(split) - 1:
        dues.append("start")
    if len(split) > 1:
        dues.append(stages[-1].name)
    names = words["payment"]
    by_name = {s.name: s for s in stages}
    payments: list[dict[str, Any]] = []
    fixed_last = rng.random() < 0.3 and len(split) > 1
    for index, (percent, due) in enumerate(zip(split, dues, strict=True)):
        name = names[0] if due == "signing" else (names[-1] if index == len(split) - 1 else names[min(index, 3)])
        if any(p["name"] == name for p in payments):
            name = f"{name} {index + 1}"
        amount: Any = f"{percent}%"
        if fixed_last and index == len(split) - 1:
            amount = Decimal(fee) - sum(Decimal(fee) * p / 100 for p in split[:-1])
        payment: dict[str, Any] = {"name": name, "amount": amount, "due": due}
        if due in by_name and due != stages[-1].name and by_name[due].owner == "client" and rng.random() < 0.3:
            payment["gate"] = True
        invoiced = {"signing": signed, "start": stages[0].started}.get(due) or (by_name[due].done if due in by_name else None)
        if signed is not None and invoiced is not None and (all_paid or rng.random() < 0.8):
            payment["paid"] = min(today, max(signed, invoiced + timedelta(days=rng.randint(0, 25))))
        payments.append(payment)
    return payments


def body_text(rng: random.Random, words: dict[str, list[str]], size: str) -> str:
    # The scope and notes, in the engagement's language: a short note to a few sections.
    sections = {"small": 1, "medium": rng.randint(2, 3), "large": rng.randint(4, 6)}[size]
    headings = rng.sample(words["heading"], min(sections, len(words["heading"])))
    parts: list[str] = []
    for number, heading in enumerate(headings):
        parts.append(f"## {heading}\n")
        parts.append(" ".join(rng.sample(words["sentence"], rng.randint(2, 4))) + "\n")
        if size != "small" and rng.random() < 0.6:
            parts.append("\n".join(f"- {item}." for item in rng.sample(words["item"], rng.randint(2, 5))) + "\n")
        if size == "large" and number == 1:
            parts.append(" ".join(rng.sample(words["sentence"], 3)) + "\n")
    return "\n".join(parts)


def engagement(rng: random.Random, index: int, taken: set[str], today: date = TODAY) -> tuple[str, str]:
    # One engagement file: (file name, text).
    language = weighted(rng, LANGUAGE_WEIGHTS)
    words = WORDS[language]
    locale = rng.choice(LOCALES[language])
    state = weighted(rng, STATES)
    size = weighted(rng, SIZES)
    client = f"{rng.choice(words['client_a'])} {rng.choice(words['client_b'])}"
    stages = draft_stages(rng, words, size)
    fee = None if rng.random() < 0.05 else fee_for(rng, locale, size)

    signed = start = None
    if state == "done":
        signed = today - timedelta(days=rng.randint(60, (today - OLDEST).days))
    elif state in ("active", "on-hold", "cancelled"):
        signed = today - timedelta(days=rng.randint(10, 160))
    elif state == "scheduled":
        signed = today - timedelta(days=rng.randint(1, 20))
        start = today + timedelta(days=rng.randint(5, 45))
    if signed is not None and start is None:
        begins = next_workday(signed + timedelta(days=rng.randint(0, 4)), locale.workdays)
        record_progress(rng, stages, begins, locale.workdays, None if state == "done" else today)
        last = stages[-1].done
        if state == "done" and last is not None and last > today:
            # Shift a finished engagement back by whole weeks so that it ended by today.
            weeks = timedelta(days=7 * -(-(last - today).days // 7))
            signed -= weeks
            for stage in stages:
                stage.started = stage.started and stage.started - weeks
                stage.done = stage.done and stage.done - weeks
    payments = draft_payments(rng, words, stages, fee, signed, today, all_paid=state == "done")
    if signed is not None and payments and payments[0]["due"] == "signing" and "paid" not in payments[0]:
        payments[0]["paid"] = min(today, signed + timedelta(days=rng.randint(0, 3)))
    if signed is not None and start is None and payments and payments[0]["due"] == "signing":
        # Work starts after the deposit: keep the recorded first start on or after it.
        paid = payments[0]["paid"]
        first = stages[0].started
        if first is not None and first <= paid:
            payments[0]["paid"] = max(signed, first - timedelta(days=1))

    lines = ["---", f"client: {scalar(client)}", f"project: {scalar(rng.choice(words['project']))}"]
    lines.append(f"share: {new_share(rng, taken)}")
    if language != "en":
        lines.append(f"language: {language}")
    if locale.currency != "USD":
        lines.append(f"currency: {locale.currency}")
    if locale.country is not None:
        workdays = "" if locale.workdays == ("mon", "tue", "wed", "thu", "fri") else (
            f", workdays: [{', '.join(locale.workdays)}]"
        )
        subdivision = locale.subdivision or "null"
        lines.append(f"calendar: {{country: {locale.country}, subdivision: {subdivision}{workdays}}}")
    if state in ("on-hold", "cancelled"):
        lines.append(f"status: {state}")
    if rng.random() < 0.15:
        lines.append(f"buffer: {rng.choice(('10%', '25%', '30%'))}")
    if fee is not None:
        lines.append(f"fee: {fee}")
    if rng.random() < 0.25:
        budget = rng.randint(20, 300)
        lines.append(f"hours: {{budget: {budget}, spent: {Decimal(rng.randint(0, budget * 12)) / 10}}}")
    person = rng.choice(words["person"])
    mail = f"{slug(person).split('-')[0] or 'info'}@client{index}.example"
    lines.append("contacts:")
    lines.append(f"  client: {{name: {scalar(person)}, email: {mail}, phone: \"{locale.phone} {rng.randint(100, 999)}\"}}")
    if rng.random() < 0.5:
        us = rng.choice(words["us_person"])
        lines.append(f"  us: {{name: {scalar(us)}, email: {slug(us).split('-')[0] or 'team'}@northwind.example}}")
    if signed is not None:
        lines.append(f"signed: {signed.isoformat()}")
    if start is not None:
        lines.append(f"start: {start.isoformat()}")
    lines.append("stages:")
    for stage in stages:
        lines.append(f"  - name: {scalar(stage.name)}")
        lines.append(f"    owner: {stage.owner}")
        lines.append(f"    days: {stage.days}")
        if stage.deliverables:
            lines.append(f"    deliverables: [{', '.join(scalar(d) for d in stage.deliverables)}]")
        if stage.started is not None:
            lines.append(f"    started: {stage.started.isoformat()}")
        if stage.done is not None:
            lines.append(f"    done: {stage.done.isoformat()}")
    if payments:
        lines.append("payments:")
        lines.extend(f"  - {flow(p)}" for p in payments)
    lines.append("---")
    text = "\n".join(lines) + "\n" + body_text(rng, words, size)
    name = slug(client) or {"ru": "klient", "ar": "ameel"}.get(language, "client")
    return f"{index:05d}-{name}.md", text


def engagements(n: int, seed: int = 1, today: date = TODAY) -> list[tuple[str, str]]:
    # `n` engagement files as (file name, text); the same seed gives the same files.
    rng = random.Random(seed)
    taken: set[str] = set()
    return [engagement(rng, index, taken, today) for index in range(n)]


def write_projects(folder: Path, n: int, seed: int = 1, today: date = TODAY) -> list[Path]:
    # The policies and `n` engagements in `folder` (created); returns the engagement paths.
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(POLICIES, folder / "_policies.yml")
    paths = []
    for name, text in engagements(n, seed, today):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


SHARE_LINE = re.compile(r"^share: (\S+)$", re.MULTILINE)


def split_file(text: str) -> tuple[str, str, str]:
    # (front matter, body, share) of a generated file.
    _, front, body = text.split("---\n", 2)
    match = SHARE_LINE.search(front)
    assert match, "every generated engagement has a share"
    return front, body, match.group(1)
