"""Deterministic demo business data in the spirit of SuiteCRM's demo install.

Dates are spread over the 120 days before the sandbox clock's "now", records are
assigned to the sales reps, and every random choice comes from the store's seeded RNG.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .acl import Actor

if TYPE_CHECKING:
    from .core import SandboxCore

# fmt: off
FIRST = [
    "Anna", "Ben", "Chloé", "David", "Elif", "François", "Greta", "Hiroshi", "Inès", "Jonas",
    "Katarzyna", "Liam", "Maëlle", "Nikolai", "Olivia", "Pablo", "Quentin", "Rania", "Sofia",
    "Tomás", "Ugo", "Valentina", "William", "Xavier", "Yusuf", "Ágnes", "Björn", "Chidi",
    "Dagný", "Emeka", "Fatima", "Gökhan", "Hana", "Ivan", "Jürgen", "Kaito", "Leilani", "Mia",
]
LAST = [
    "Andersson", "Bianchi", "Czerny", "Dubois", "Eriksen", "Fernández", "García", "Hansen",
    "Ishikawa", "Jovanović", "Kowalski", "Lefèvre", "Martins", "Nakamura", "O'Brien",
    "Petrović", "Quispe", "Rossi", "Schröder", "Tanaka", "Uçar", "Van der Berg", "Wójcik",
    "Xu", "Y\u0131lmaz", "Zimmermann", "Okafor", "Smith", "Johnson", "Novák", "Horváth", "Brown",
]
FIXED_CONTACTS = [("Zoë", "Müller"), ("José", "Ñúñez"), ("Łukasz", "Żak")]
COMPANIES = [
    ("Acme Robotics", "Manufacturing"), ("Blue Fjord Logistics", "Transportation"),
    ("Café Lumière", "Hospitality"), ("Delta Health Partners", "Healthcare"),
    ("Evergreen Energy", "Energy"), ("Fjällräven Outdoor Supply", "Retail"),
    ("Granite Insurance", "Insurance"), ("Helios Solar", "Energy"),
    ("Ironclad Security", "Technology"), ("Jade River Foods", "Food & Beverage"),
    ("Kestrel Aviation", "Transportation"), ("Lumen Media", "Media"),
    ("Müller & Söhne GmbH", "Manufacturing"), ("Northwind Traders", "Retail"),
    ("Orbital Analytics", "Technology"), ("Pinecone Software", "Technology"),
    ("Quantum Finance", "Finance"), ("Riverbend Hotels", "Hospitality"),
    ("São Paulo Têxteis", "Apparel"), ("Tidewater Marine", "Transportation"),
    ("Umbra Design Studio", "Consulting"), ("Vértice Construcciones", "Construction"),
    ("Willow Education", "Education"), ("Xenon Labs", "Biotechnology"),
    ("Yellowstone Telecom", "Telecommunications"), ("Zenith Consulting", "Consulting"),
    ("Łódź Precision Tools", "Machinery"), ("Oakridge Legal", "Legal"),
    ("Summit Outdoor Gear", "Retail"), ("Harbor City Bank", "Banking"),
]
CITIES = ["Berlin", "Kraków", "Madrid", "Lyon", "Oslo", "Austin", "São Paulo", "Osaka", "Lagos",
          "Toronto"]
LEAD_SOURCES = ["Web Site", "Cold Call", "Email", "Word of mouth", "Trade Show", "Partner",
                "Campaign"]
STAGES = [
    ("Prospecting", 10), ("Qualification", 20), ("Needs Analysis", 25),
    ("Value Proposition", 30), ("Id. Decision Makers", 40), ("Perception Analysis", 50),
    ("Proposal/Price Quote", 65), ("Negotiation/Review", 80), ("Closed Won", 100),
    ("Closed Lost", 0),
]
CASE_STATUS = [("Open_New", "Open"), ("Open_Assigned", "Open"), ("Open_Pending Input", "Open"),
               ("Closed_Closed", "Closed"), ("Closed_Rejected", "Closed")]
CASE_TOPICS = ["Cannot log in to the portal", "Invoice shows the wrong amount",
               "Delivery arrived damaged", "Request for a product demo", "Warranty claim",
               "App crashes on start", "Question about pricing tiers",
               "Complaint posted on Facebook"]
PRODUCTS = ["Annual licence", "Support renewal", "Pilot project", "Fleet upgrade",
            "Consulting package", "Hardware refresh"]
TITLES = ["CEO", "CTO", "Buyer", "Office Manager", "Engineer", "Head of Sales", "Marketing Lead"]
TASK_NAMES = ["Send proposal", "Prepare quote", "Follow up on invoice", "Book demo",
              "Reply to review"]
TASK_STATUS = ["Not Started", "In Progress", "Completed", "Pending Input", "Deferred"]
NOTE_NAMES = ["Call summary", "Prefers email", "Asked about discounts", "Met at trade show",
              "Renewal risk"]
LEAD_STATUS = ["New", "Assigned", "In Process", "Converted", "Recycled", "Dead"]
# fmt: on
ASCII_FOLD = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "ß": "ss", "\u0131": "i", "đ": "d", "'": ""}
)


def slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(ASCII_FOLD))
    return "".join(ch for ch in folded.lower() if ch.isascii() and ch.isalnum())


class _Seeder:
    """Creates demo rows as the admin, stamped as if a rep made them weeks ago."""

    def __init__(self, core: SandboxCore, reps: list[str]) -> None:
        self.core = core
        self.rng = core.store.rng
        self.reps = reps
        self.now = core.clock()
        self.admin = Actor(user_id="1", is_admin=True)

    def create(self, module: str, attributes: dict[str, Any]) -> dict[str, Any]:
        schema = self.core.registry[module]
        return self.core.records.create(schema, attributes, record_id=None, actor=self.admin)

    def stamp(self, rep: str) -> dict[str, str]:
        entered = self.now - timedelta(
            days=self.rng.randint(1, 120), minutes=self.rng.randint(0, 1439)
        )
        modified = min(
            entered + timedelta(days=self.rng.randint(0, 10), minutes=self.rng.randint(0, 600)),
            self.now,
        )
        return {
            "date_entered": entered.strftime("%Y-%m-%d %H:%M:%S"),
            "date_modified": modified.strftime("%Y-%m-%d %H:%M:%S"),
            "created_by": rep,
            "modified_user_id": rep,
            "assigned_user_id": rep,
        }

    def when(self, low: int, high: int) -> str:
        moment = self.now + timedelta(
            days=self.rng.randint(low, high), hours=self.rng.randint(8, 17) - self.now.hour
        )
        return moment.strftime("%Y-%m-%d %H:00:00")

    def link(self, module: str, row: dict[str, Any], link: str, other: dict[str, Any]) -> None:
        schema = self.core.registry[module]
        self.core.records.links.add(schema, row, schema.links[link], other)


def seed_demo(core: SandboxCore, reps: list[str]) -> None:
    seeder = _Seeder(core, reps)
    rng = seeder.rng
    accounts = []
    for name, industry in COMPANIES:
        rep = rng.choice(reps)
        accounts.append(
            seeder.create(
                "Accounts",
                {
                    "name": name,
                    "industry": industry,
                    "account_type": rng.choice(["Customer", "Prospect", "Partner", "Reseller"]),
                    "billing_address_city": rng.choice(CITIES),
                    "website": f"https://www.{slug(name)}.example",
                    "phone_office": f"+1 555 {rng.randint(1000, 9999)}",
                    "email1": f"info@{slug(name)}.example",
                    **seeder.stamp(rep),
                },
            )
        )
    contacts = []
    names = FIXED_CONTACTS + [(rng.choice(FIRST), rng.choice(LAST)) for _ in range(197)]
    for index, (first, last) in enumerate(names):
        account = accounts[index % len(accounts)]
        rep = account["assigned_user_id"] if rng.random() < 0.7 else rng.choice(reps)
        domain = f"{slug(account['name'])}.example"
        attributes: dict[str, Any] = {
            "first_name": first,
            "last_name": last,
            "title": rng.choice(TITLES),
            "phone_work": f"+1 555 {rng.randint(1000, 9999)}",
            "phone_mobile": f"+1 555 {rng.randint(1000, 9999)}",
            "lead_source": rng.choice(LEAD_SOURCES),
            "primary_address_city": rng.choice(CITIES),
            "account_id": account["id"],
            **seeder.stamp(rep),
        }
        if index % 10 != 9:
            attributes["email1"] = f"{slug(first)}.{slug(last)}{index}@{domain}"
        elif index % 20 == 19:
            attributes["email1"] = f"info@{domain}"
        if rng.random() < 0.2:
            attributes["birthdate"] = (
                f"{rng.randint(1960, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            )
        contacts.append(seeder.create("Contacts", attributes))
    for index in range(80):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        seeder.create(
            "Leads",
            {
                "first_name": first,
                "last_name": last,
                "account_name": rng.choice(COMPANIES)[0],
                "status": rng.choice(LEAD_STATUS),
                "lead_source": rng.choice(LEAD_SOURCES),
                "email1": f"{slug(first)}.{slug(last)}.lead{index}@example.org",
                "phone_mobile": f"+1 555 {rng.randint(1000, 9999)}",
                **seeder.stamp(rng.choice(reps)),
            },
        )
    _seed_pipeline(seeder, accounts, contacts)
    _seed_activities(seeder, accounts, contacts)


def _seed_pipeline(
    seeder: _Seeder, accounts: list[dict[str, Any]], contacts: list[dict[str, Any]]
) -> None:
    rng = seeder.rng
    for _ in range(40):
        account = rng.choice(accounts)
        stage, probability = rng.choice(STAGES)
        opportunity = seeder.create(
            "Opportunities",
            {
                "name": f"{account['name']} - {rng.choice(PRODUCTS)}",
                "account_id": account["id"],
                "amount": rng.randint(20, 400) * 250,
                "sales_stage": stage,
                "probability": probability,
                "date_closed": (seeder.now + timedelta(days=rng.randint(-60, 120))).strftime(
                    "%Y-%m-%d"
                ),
                "lead_source": rng.choice(LEAD_SOURCES),
                **seeder.stamp(account["assigned_user_id"]),
            },
        )
        for contact in rng.sample(contacts, rng.randint(1, 3)):
            seeder.link("Opportunities", opportunity, "contacts", contact)
    for _ in range(35):
        account = rng.choice(accounts)
        status, state = rng.choice(CASE_STATUS)
        case = seeder.create(
            "Cases",
            {
                "name": rng.choice(CASE_TOPICS),
                "status": status,
                "state": state,
                "priority": rng.choice(["P1", "P2", "P3"]),
                "type": rng.choice(["Administration", "Product", "User"]),
                "account_id": account["id"],
                "description": "Reported by the customer.",
                **seeder.stamp(rng.choice(seeder.reps)),
            },
        )
        seeder.link("Cases", case, "contacts", rng.choice(contacts))


def _seed_activities(
    seeder: _Seeder, accounts: list[dict[str, Any]], contacts: list[dict[str, Any]]
) -> None:
    rng = seeder.rng
    for index in range(100):
        contact = rng.choice(contacts)
        rep = contact["assigned_user_id"]
        module = "Calls" if index % 5 < 3 else "Meetings"
        past = rng.random() < 0.6
        attributes: dict[str, Any] = {
            "name": f"{module[:-1]} with {contact['first_name']} {contact['last_name']}",
            "status": rng.choice(["Held", "Not Held"]) if past else "Planned",
            "date_start": seeder.when(-60, -1) if past else seeder.when(1, 30),
            "duration_hours": rng.choice([0, 0, 1]),
            "duration_minutes": rng.choice([15, 30, 45]),
            "parent_type": "Contacts",
            "parent_id": contact["id"],
            **seeder.stamp(rep),
        }
        if module == "Calls":
            attributes["direction"] = rng.choice(["Inbound", "Outbound"])
        else:
            attributes["location"] = rng.choice(["Video call", "Customer office", "Our office"])
        activity = seeder.create(module, attributes)
        seeder.link(module, activity, "contacts", contact)
    for _ in range(50):
        contact = rng.choice(contacts)
        account = rng.choice(accounts)
        seeder.create(
            "Tasks",
            {
                "name": rng.choice(TASK_NAMES),
                "status": rng.choice(TASK_STATUS),
                "priority": rng.choice(["High", "Medium", "Low"]),
                "date_due": seeder.when(-10, 20),
                "contact_id": contact["id"],
                "parent_type": "Accounts",
                "parent_id": account["id"],
                **seeder.stamp(contact["assigned_user_id"]),
            },
        )
    for index in range(60):
        contact = rng.choice(contacts)
        attributes = {
            "name": rng.choice(NOTE_NAMES),
            "description": "Notes taken by the sales rep.",
            "parent_type": "Contacts",
            "parent_id": contact["id"],
            **seeder.stamp(contact["assigned_user_id"]),
        }
        if index % 4:
            attributes["contact_id"] = contact["id"]
        seeder.create("Notes", attributes)
