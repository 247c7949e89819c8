"""The demo company's story as plain data: who the customers are, what they buy when, through which channel,
how they pay. No Odoo import: the writer (crm.demo.data) turns the plan into records, and the plan can be
read, tested and tuned without a database. A seeded numpy Generator makes it the same at every install
(relative to the day of the install).

Customer kinds shape the analytics: one-time buyers, regulars who keep buying, lapsed customers who stopped,
and a few whales (plus one distributor) whose orders are ten times the others' (the whale curve).
"""

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .demo_names import CITIES, COMPANY_PREFIXES, COMPANY_SUFFIXES, FIRST_NAMES, LAST_NAMES, STREETS

SEED = 20261203
YEARS = 3
N_CUSTOMERS = 1500

# Office furniture sells in autumn (back to the office) and slows in summer and around the new year.
SEASONALITY = (0.75, 0.85, 1.0, 1.05, 1.0, 0.9, 0.7, 0.8, 1.25, 1.3, 1.2, 0.95)

# key: (share, orders per year (mean), lifetime in months (mean; None: alive), basket multiplier)
KINDS = {
    "one_time": (0.47, 0.0, 0, 1.0),
    "lapsed": (0.26, 1.8, 7, 1.0),
    "regular": (0.255, 1.2, None, 1.2),
    "whale": (0.015, 6.0, None, 6.0),
}

# Channel keys of the writer: web shop, newsletter, call centre, field sales force, distributor network.
PERSON_CHANNELS = (("web", 0.55), ("email", 0.25), ("call", 0.20))
COMPANY_CHANNELS = (("field", 0.38), ("call", 0.25), ("web", 0.17), ("distributor", 0.20))
# Discount (%) a channel usually grants, and the chance that an order gets it.
CHANNEL_DISCOUNT = {"web": (0, 0.0), "email": (10, 0.5), "call": (5, 0.3), "field": (8, 0.5),
                    "distributor": (15, 0.9)}
# Payment terms in days by kind of customer, and payment behaviour: (share, days after the due date).
PAYERS = (("punctual", 0.68, (-20, 0)), ("late", 0.25, (5, 75)), ("bad", 0.07, (30, 160)))

# The catalogue (demo_catalogue.csv): (key, name, sales price, standard cost, is a service). Goods are valued in
# real time, so each invoice line carries its cost of goods sold; two clearance items sell below cost. The
# service's standard cost stands in for its cost.
CATALOGUE = tuple(
    (row["key"], row["name"], float(row["price"]), float(row["cost"]), row["service"] == "yes")
    for row in csv.DictReader(Path(__file__).with_name("demo_catalogue.csv").read_text(encoding="utf-8").splitlines())
)
CAMPAIGN_TITLES = {"spring": "Spring office refresh", "back_to_office": "Back to the office",
                   "black_friday": "Black Friday deals", "trade_fair": "Office trade fair",
                   "reseller": "Reseller programme"}
# Vendors of the portal demo: (reference, name, city, country code, zip, email, [(product key, price, lead days)])
VENDORS = (
    ("VND-NORDWOOD", "Nordwood Timber Works", "Oslo", "no", "0150", "sales@nordwood.example",
     (("desk", 430.0, 12), ("table", 790.0, 20), ("bookshelf", 141.0, 10))),
    ("VND-ERGOSEAT", "ErgoSeat Manufacturing", "Porto", "pt", "4000-322", "orders@ergoseat.example",
     (("chair", 181.0, 14), ("sofa", 660.0, 25))),
    ("VND-STEELLINE", "SteelLine Cabinets", "Katowice", "pl", "40-001", "sales@steelline.example",
     (("cabinet", 116.0, 9), ("cable_tray", 9.1, 7))),
    ("VND-BRIGHTLUX", "Brightlux Lighting", "Eindhoven", "nl", "5611", "b2b@brightlux.example",
     (("lamp", 23.0, 6), ("monitor_arm", 54.0, 8))),
    ("VND-QUIETSPACE", "Quietspace Acoustics", "Ghent", "be", "9000", "hello@quietspace.example",
     (("screen", 93.0, 11), ("mat", 42.0, 5), ("organiser", 15.8, 5))),
)
WOOD_CORNER_SUPPLIES = (("desk", 445.0, 15), ("bookshelf", 146.0, 12))


def product_code(key):
    """Internal reference of a catalogue product: how the writers find it again."""
    return "OF-" + key.upper().replace("_", "-")


# What customers buy: (key, weight for persons, weight for companies, usual quantity)
PRODUCTS = (
    ("chair", 3, 4, 4), ("desk", 2, 3, 3), ("table", 0, 1, 1), ("cabinet", 1, 2, 2), ("monitor_arm", 3, 3, 4),
    ("screen", 1, 2, 4), ("bookshelf", 2, 1, 1), ("sofa", 1, 1, 1), ("lamp", 4, 2, 3), ("cable_tray", 1, 2, 6),
    ("mat", 2, 1, 2), ("organiser", 3, 1, 3), ("assembly", 1, 2, 1),
)

ADD_ONS = ("mat", "organiser")  # sold below cost, only with other items

# Campaigns: (key, channels, month windows (month, duration in months) repeated each year, or None: always)
CAMPAIGNS = (
    ("spring", ("email", "web"), ((3, 2),)),
    ("back_to_office", ("call", "field"), ((9, 2),)),
    ("black_friday", ("web", "email"), ((11, 1),)),
    ("trade_fair", ("field",), None),
    ("reseller", ("distributor",), None),
)
TRADE_FAIR_MONTHS_AGO = 20

# Industry codes of Odoo's res.partner.industry data (base.res_partner_industry_X) with their weights.
INDUSTRIES = (("J", 5), ("M", 5), ("K", 4), ("Q", 4), ("G", 3), ("C", 3), ("F", 2), ("I", 2), ("P", 2),
              ("H", 2), ("L", 2), ("N", 2))
SIZE_BANDS = (("micro", 0.35), ("small", 0.35), ("medium", 0.22), ("large", 0.08))
REVENUE_OF_SIZE = {"micro": "under_1m", "small": "1m_10m", "medium": "10m_50m", "large": "over_50m"}
INCOME_BANDS = (("low", 0.15), ("lower_middle", 0.35), ("upper_middle", 0.35), ("high", 0.15))
EDUCATION = (("secondary", 0.2), ("vocational", 0.25), ("bachelor", 0.35), ("master", 0.15), ("doctorate", 0.05))
PROFILE_TAGS = ("sustainability", "price", "design", "remote_work")
OPPORTUNITY_STAGES = (("new", 0.3), ("qualified", 0.3), ("proposition", 0.25), ("won", 0.15))
ACTIVITY_NOTES = (
    "Call: checked satisfaction with the last delivery.",
    "Meeting: presented the new desk range.",
    "Call: discussed volume pricing for next year.",
    "Email: sent the assembly instructions again.",
    "Call: follow-up on the open quotation.",
)


@dataclass
class Customer:
    key: int
    name: str
    is_company: bool
    kind: str
    channel: str
    city: str
    country: str
    zip: str
    street: str
    email: str
    payer: str
    payment_days: int
    industry: str = ""
    size_band: str = ""
    birth_year: int = 0
    income_band: str = ""
    education: str = ""
    tags: tuple = ()
    discount_taker: bool = False


@dataclass
class Sale:
    customer: int
    day: date
    channel: str
    lines: list  # (product key, quantity, discount %)
    campaign: str = ""
    due: date = None
    paid: date = None  # None: still open
    refund: list = field(default_factory=list)  # (product key, quantity) returned
    refund_day: date = None
    full_flow: bool = False  # through the sales order's delivery (recent orders)


@dataclass
class Plan:
    today: date
    customers: list
    sales: list
    opportunities: list  # (customer, stage key, expected revenue, day)
    activities: list  # (customer, day, note)
    distributor: int


def _pick(rng, pairs):
    # numpy loads when a plan is built (the demo data's install): a process that serves pages never imports it
    import numpy as np

    keys = [key for key, _weight in pairs]
    weights = np.array([weight for _key, weight in pairs], dtype=float)
    return keys[rng.choice(len(keys), p=weights / weights.sum())]


def _day_weights(start, days):
    """Weight of each day of the history: the business grows (twice the new customers at the end as at the
    start) and follows the seasons."""
    import numpy as np

    months = np.array([(start + timedelta(days=int(d))).month for d in range(days)])
    growth = np.linspace(0.7, 1.4, days)
    weights = growth * np.array(SEASONALITY)[months - 1]
    return weights / weights.sum()


def _campaign_of(rng, channel, day, today, first):
    """The campaign behind a sale, when one ran through its channel at that date."""
    for key, channels, windows in CAMPAIGNS:
        if channel not in channels:
            continue
        if key == "trade_fair":
            fair = today - timedelta(days=30 * TRADE_FAIR_MONTHS_AGO)
            active = 0 <= (day - fair).days <= 45
        elif windows is None:
            active = True
        else:
            active = any((day.month - month) % 12 < length for month, length in windows)
        if active and rng.random() < (0.6 if first else 0.3):
            return key
    return ""


def _customers(rng, n):
    customers = []
    used = {"Anna Keller", "Tom Baker"}  # the demo persons of crm_strategy_demo.xml
    kind_pairs = [(key, spec[0]) for key, spec in KINDS.items()]
    for key in range(n):
        is_company = rng.random() < 0.6
        kind = _pick(rng, kind_pairs)
        if kind == "whale":
            is_company = True
        city, country, zip_code = CITIES[rng.integers(len(CITIES))]
        street = f"{rng.integers(1, 240)} {STREETS[rng.integers(len(STREETS))]}"
        payer = _pick(rng, [(name, share) for name, share, _days in PAYERS])
        if is_company:
            name = ""
            while not name or name in used:
                name = (f"{COMPANY_PREFIXES[rng.integers(len(COMPANY_PREFIXES))]} "
                        f"{COMPANY_SUFFIXES[rng.integers(len(COMPANY_SUFFIXES))]}")
                if name in used:
                    name = f"{name} {city}"
            used.add(name)
            slug = name.lower().replace(" ", "")
            size = _pick(rng, SIZE_BANDS)
            if kind == "whale":
                size = "large" if rng.random() < 0.7 else "medium"
            customer = Customer(
                key=key, name=name, is_company=True, kind=kind, channel=_pick(rng, COMPANY_CHANNELS), city=city,
                country=country, zip=zip_code, street=street, email=f"purchasing@{slug}.example", payer=payer,
                payment_days=30 if rng.random() < 0.8 else 60, industry=_pick(rng, INDUSTRIES), size_band=size)
        else:
            name = ""
            while not name or name in used:
                first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
                last = LAST_NAMES[rng.integers(len(LAST_NAMES))]
                name = f"{first} {last}"
                if name in used and rng.random() < 0.3:  # a namesake: told apart by a middle initial
                    name = f"{first} {chr(65 + int(rng.integers(26)))}. {last}"
            used.add(name)
            email = f"{name.lower().replace('. ', '.').replace(' ', '.')}@mail.example"
            customer = Customer(
                key=key, name=name, is_company=False, kind=kind, channel=_pick(rng, PERSON_CHANNELS), city=city,
                country=country, zip=zip_code, street=street, email=email.replace("é", "e"), payer=payer,
                payment_days=15, birth_year=int(rng.integers(1950, 2003)), income_band=_pick(rng, INCOME_BANDS),
                education=_pick(rng, EDUCATION))
        customer.tags = tuple(tag for tag in PROFILE_TAGS if rng.random() < 0.25)
        customer.discount_taker = rng.random() < 0.2
        customers.append(customer)
    return customers


def _basket(rng, customer, multiplier):
    weights = [(key, (w_company if customer.is_company else w_person)) for key, w_person, w_company, _q in PRODUCTS]
    usual = {key: qty for key, _wp, _wc, qty in PRODUCTS}
    lines = []
    for index in range(1 + rng.binomial(2, 0.35)):
        # clearance and promotion items go with furniture, never alone
        candidates = [pair for pair in weights if pair[1] > 0 and (index or pair[0] not in ADD_ONS)]
        product = _pick(rng, candidates)
        if product in (line[0] for line in lines):
            continue
        base = usual[product] * (multiplier if customer.is_company else 1.0)
        if not customer.is_company:
            base = min(base, 2)
        qty = max(1, int(rng.poisson(base)))
        lines.append([product, qty, 0.0])
    return lines


def _discount(rng, customer, channel):
    rate, chance = CHANNEL_DISCOUNT[channel]
    if customer.discount_taker:
        rate, chance = max(rate, 15) + 5, 0.9
    return float(rate) if rate and rng.random() < chance else 0.0


def _payment(rng, customer, day, today):
    due = day + timedelta(days=customer.payment_days)
    low, high = next(days for name, _share, days in PAYERS if name == customer.payer)
    paid = due + timedelta(days=int(rng.integers(low, high + 1)))
    paid = max(paid, day)
    paid += timedelta(days=(4 - paid.weekday()) % 7)  # receipts are booked on Fridays
    if customer.payer == "bad" and rng.random() < 0.45:
        paid = None  # never paid: stays open and overdue
    if paid and paid > today:
        paid = None  # not paid yet
    return due, paid


def _order_days(rng, customer, first, today):
    _share, rate, life_months, _mult = KINDS[customer.kind]
    days = [first]
    if not rate:
        return days
    horizon = today if life_months is None else min(
        today - timedelta(days=120), first + timedelta(days=int(30 * rng.exponential(life_months)) + 30))
    rate = rate * rng.gamma(4.0, 0.25)
    day = first
    while True:
        day = day + timedelta(days=max(7, int(rng.exponential(365.0 / rate))))
        if day > horizon or day > today:
            return days
        days.append(day)


def build_plan(today, seed=SEED, n_customers=N_CUSTOMERS):
    """The whole story up to ``today``: customers, their sales with lines, refunds and payments, the open
    pipeline and the logged activities."""
    import numpy as np

    rng = np.random.default_rng(seed)
    start = today - timedelta(days=365 * YEARS)
    history_days = (today - start).days
    weights = _day_weights(start, history_days - 14)
    customers = _customers(rng, n_customers)
    # The distributor: a reseller buying in volume at a discount through its own channel.
    distributor = customers[0]
    distributor.name, distributor.kind, distributor.channel = "Nordic Office Distribution", "whale", "distributor"
    distributor.is_company, distributor.email, distributor.size_band = True, "orders@nordicoffice.example", "large"
    distributor.industry, distributor.discount_taker, distributor.payer = "G", False, "punctual"
    distributor.city, distributor.country, distributor.zip = "Copenhagen", "dk", "1050"
    sales = []
    for customer in customers:
        first = start + timedelta(days=int(rng.choice(len(weights), p=weights)))
        if customer.key == 0:
            first = start + timedelta(days=20)
        multiplier = KINDS[customer.kind][3]
        for index, day in enumerate(_order_days(rng, customer, first, today)):
            # regulars sometimes try another channel (the web shop mostly)
            channel = customer.channel if rng.random() < 0.85 else ("web" if customer.channel != "web" else "call")
            if customer.key == 0:
                channel = "distributor"
            lines = _basket(rng, customer, multiplier * (2.5 if customer.key == 0 else 1.0))
            discount = _discount(rng, customer, channel)
            for line in lines:
                line[2] = discount
            due, paid = _payment(rng, customer, day, today)
            sale = Sale(customer=customer.key, day=day, channel=channel, lines=[tuple(line) for line in lines],
                        campaign=_campaign_of(rng, channel, day, today, index == 0), due=due, paid=paid)
            returnable = [line for line in lines if line[1] >= 2]  # part of a delivery comes back
            if rng.random() < 0.06 and returnable and (today - day).days > 10:
                product, qty, _discount_rate = returnable[rng.integers(len(returnable))]
                sale.refund = [(product, qty // 2)]
                sale.refund_day = min(today, day + timedelta(days=int(rng.integers(5, 30))))
            sales.append(sale)
    sales.sort(key=lambda sale: (sale.day, sale.customer))
    # The most recent orders of products in stock go through the full flow (order, delivery, invoice).
    recent = [sale for sale in sales if (today - sale.day).days <= 120 and sale.lines[0][0] != "assembly"
              and all(line[0] != "assembly" for line in sale.lines)]
    for sale in recent[:: max(1, len(recent) // 16)][:16]:
        sale.full_flow = True
    opportunities = []
    stage_pairs = list(OPPORTUNITY_STAGES)
    for key in rng.choice(len(customers), size=140, replace=False):
        customer = customers[int(key)]
        revenue = float(np.round(rng.lognormal(8.0 if customer.is_company else 6.5, 0.7), -1))
        day = today - timedelta(days=int(rng.integers(0, 150)))
        opportunities.append((customer.key, _pick(rng, stage_pairs), revenue, day))
    activities = []
    for customer in customers:
        if not customer.is_company or rng.random() < 0.4:
            continue
        for _i in range(int(rng.poisson(2 if customer.kind in ("whale", "regular") else 0.6))):
            day = today - timedelta(days=int(rng.integers(1, 365 * YEARS - 30)))
            activities.append((customer.key, day, ACTIVITY_NOTES[rng.integers(len(ACTIVITY_NOTES))]))
    return Plan(today=today, customers=customers, sales=sales, opportunities=opportunities,
                activities=activities, distributor=distributor.key)


# Spend of each campaign per active month: (agency key, amount). The agencies bill it (crm_analytics demo).
CAMPAIGN_SPEND = {
    "spring": ("agency_media", 2400.0), "back_to_office": ("agency_calls", 3600.0),
    "black_friday": ("agency_media", 5200.0), "trade_fair": ("agency_events", 16500.0),
    "reseller": ("agency_print", 1300.0),
}
AGENCIES = {
    "agency_media": "Brightside Media Agency", "agency_calls": "Callwise Outbound Services",
    "agency_events": "Expo Events Ltd", "agency_print": "PrintWorks Partner Marketing",
}


def campaign_spend(today, seed=SEED):
    """Vendor bills of the campaigns: [(campaign key, agency key, bill date, amount)], one per campaign and
    month it ran (the reseller programme: one a quarter), over the history up to ``today``."""
    import numpy as np

    rng = np.random.default_rng(seed + 1)
    start = today - timedelta(days=365 * YEARS)
    month = date(start.year, start.month, 1)
    fair = today - timedelta(days=30 * TRADE_FAIR_MONTHS_AGO)
    bills = []
    while month <= today:
        for key, _channels, windows in CAMPAIGNS:
            if key == "trade_fair":
                active = (month.year, month.month) == (fair.year, fair.month)
            elif key == "reseller":
                active = month.month in (1, 4, 7, 10)
            else:
                active = any((month.month - first) % 12 < length for first, length in windows)
            if active:
                agency, amount = CAMPAIGN_SPEND[key]
                day = min(today, month + timedelta(days=int(rng.integers(3, 25))))
                bills.append((key, agency, day, float(round(amount * rng.uniform(0.85, 1.15), 2))))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return bills
