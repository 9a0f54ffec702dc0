# ruff: noqa: RUF001 - full-width punctuation and dashes are the point of these texts
"""Seed texts for the LinkedIn sandbox: a robotics company and its multilingual audience.

Comments come in several languages and scripts, with emoji, because that is where
connectors break (signatures over re-encoded bodies, truncated UTF-8, mojibake).
"""

POSTS = [
    "Meet ARC-7, our new collaborative arm: 7 kg payload, 0.02 mm repeatability. 🤖",
    "Grüße aus Hamburg! Unser Team zeigt ARC-7 diese Woche auf der Automatica. Stand B4.",
    "We are hiring: 12 open roles in robotics software, from motion planning to QA. 🚀",
    "Case study: how Brasserie Lefèvre cut palletising time by 38 % with two ARC-5 units.",
    "Webinar on Thursday: safety zones for cobots, with live Q&A in English and Deutsch.",
    "Nouvelle version du logiciel NordPilot 4.2 : planification de trajectoire 2× plus rapide.",
    "Thank you to the 5,000 followers who joined us this year. ❤️ What should we build next?",
    "Service update: firmware 3.1.4 fixes the torque sensor drift some of you reported.",
    "¡Ya estamos en México! Nuevo centro de servicio en Monterrey para toda Latinoamérica.",
    "日本の皆さま、東京オフィスを開設しました。デモのご予約を受け付けています。",
]

COMMENTS = [
    "Great to see ARC-7 in action! When will it ship to the UK?",
    "Is there a recording of the webinar? Our plant manager missed it.",
    "Congrats to the whole team 🎉",
    "We had issues with the firmware update last week, who can help? Ticket #4471.",
    "Sehr spannend! Gibt es eine Demo in München? 🤖",
    "Tolle Neuigkeiten – wann ist der Liefertermin für Österreich?",
    "Die Schnittstelle zu SAP würde uns sehr interessieren.",
    "Très intéressant ! Est-ce disponible en France dès maintenant ? 🇫🇷",
    "Félicitations à toute l'équipe 👏",
    "¡Enhorabuena! ¿Hay distribuidores en México? 🚀",
    "Me encantaría una demostración, ¿cómo os contacto?",
    "素晴らしいですね！日本での販売予定はありますか？",
    "導入事例をもっと知りたいです 🙏",
    "Świetna robota! Czy będzie wersja z większym udźwigiem?",
    "منتج رائع! هل يتوفر في دبي؟",
    "很棒的产品，请问有中文资料吗？👍",
    "🔥🔥🔥",
    "Price? We need 3 units for our line in Göteborg.",
    "Our ARC-5 has been running 24/7 for 14 months without a single stop. Impressive.",
    "Not happy with support response times lately 😕 three days without an answer.",
]

MEMBER_REPLIES = [
    "Same question here!",
    "+1, would love to know too 🙌",
    "Wir hatten das gleiche Problem, das Update 3.1.4 hat es gelöst.",
    "Merci pour l'info !",
    "ありがとうございます！",
]

ORGANIZATION_REPLIES = [
    "Thank you! Our team will reach out via direct message 🙂",
    "Danke für Ihr Interesse! Wir melden uns per Nachricht.",
    "Merci ! Nous vous contactons en privé.",
    "¡Gracias! Te escribimos por mensaje directo.",
    "ありがとうございます。担当者からご連絡いたします。",
]

PEOPLE = [
    ("José", "Álvarez", "jose.alvarez@example.mx", "Cervecería Norte", "Plant Manager"),
    ("Zoë", "Müller", "zoe.mueller@example.de", "Müller Verpackung GmbH", "Head of Operations"),
    ("Łukasz", "Wójcik", "l.wojcik@example.pl", "Fabryka Wójcik", "Automation Engineer"),
    ("花子", "佐藤", "hanako.sato@example.jp", "佐藤精機株式会社", "生産技術"),
    ("Ahmed", "Al-Farsi", "a.alfarsi@example.ae", "Gulf Packaging LLC", "COO"),
    ("Chloé", "Lefèvre", "chloe@example.fr", "Brasserie Lefèvre", "Directrice technique"),
    ("Sven", "Ødegård", "sven.odegard@example.no", "Nordic Pallets AS", "CTO"),
    ("Emily", "Carter", "emily.carter@example.co.uk", "Carter Foods Ltd", "Procurement Lead"),
    ("Raj", "Patel", "raj.patel@example.in", "Patel Components", "Director"),
    ("Ana", "Souza", "ana.souza@example.br", "Souza Logística", "Engenheira de processos"),
]

INTEREST_OPTIONS = {1: "Pricing", 2: "Live demo", 3: "Integration with SAP",
                    4: "Service contract"}

LEAD_MESSAGES = [
    "Please bring the safety certification documents.",
    "Bitte Angebot für 3 Einheiten inkl. Schulung.",
    "Nous voulons voir la démo du logiciel NordPilot.",
    "",
    "¿Pueden venir a Monterrey en marzo?",
    "デモの日程を調整させてください。",
]

REACTION_TYPES = ["LIKE", "PRAISE", "EMPATHY", "INTEREST", "APPRECIATION", "ENTERTAINMENT"]

WEBHOOK_COMMENT = "Très bien ! Wann kommt ARC-7 nach Österreich? 🤖 日本でも買えますか？"
