"""Seed the ten pillars of customer experience (SPEC §2), in their order, with our own wording."""

from django.db import migrations

PILLARS = [
    {
        "position": 1,
        "name": "Advertising to consumers",
        "slug": "advertising",
        "question": "Do our ads promise what the customer journey actually delivers?",
        "description": (
            "Every advert sets an expectation. When the journey falls short of the promise, "
            "the ad has created a disappointed customer before the first contact."
        ),
        "customer_label": "Our adverts",
        "customer_question": "Do our adverts tell you honestly what you will get?",
    },
    {
        "position": 2,
        "name": "Content they consume",
        "slug": "content",
        "question": "Does our content inform, help decide, answer the key questions, or entertain?",
        "description": (
            "Articles, videos, guides and posts. Good content answers the questions customers "
            "actually have at each step, in their words."
        ),
        "customer_label": "Information and articles",
        "customer_question": "Does what we publish help you understand, decide or enjoy?",
    },
    {
        "position": 3,
        "name": "Digital experiences they interact with or observe",
        "slug": "digital-experiences",
        "question": (
            "Do our forms, calculators, chatbots, apps and media work as customers expect?"
        ),
        "description": (
            "Website, app, forms, calculators, chat and media players: everything on a screen "
            "that a customer uses or watches."
        ),
        "customer_label": "Website and app",
        "customer_question": "Do our website, app and online tools work the way you expect?",
    },
    {
        "position": 4,
        "name": "Non-digital experiences they interact with or observe",
        "slug": "non-digital-experiences",
        "question": (
            "Do in-person moments (stores, events, calls, packaging, deliveries) meet needs?"
        ),
        "description": (
            "Shops, events, phone calls, packaging and deliveries: the physical moments of the "
            "journey."
        ),
        "customer_label": "In person, on the phone, at your door",
        "customer_question": "Are our shops, events, calls and deliveries what you need?",
    },
    {
        "position": 5,
        "name": "Communications from the company",
        "slug": "communications",
        "question": (
            "Are our messages relevant, timely, well paced, and are questions answered the "
            "same day?"
        ),
        "description": (
            "Emails, letters, notifications and replies: what we send, when, how often, and "
            "how fast we answer."
        ),
        "customer_label": "Messages from us",
        "customer_question": "Are our messages useful, well timed, and are your questions answered quickly?",
    },
    {
        "position": 6,
        "name": "Company representatives they communicate with",
        "slug": "representatives",
        "question": (
            "Do our people (support, sales, field staff, executives) truly serve customers?"
        ),
        "description": (
            "Everyone who speaks for the company: support, sales, field staff and executives."
        ),
        "customer_label": "Our people",
        "customer_question": "Do the people you deal with here genuinely look after you?",
    },
    {
        "position": 7,
        "name": "Products and services they purchase",
        "slug": "products-services",
        "question": (
            "Do our products meet or exceed every customer's expectations, with something extra?"
        ),
        "description": "What the customer actually buys, and whether it delights or merely works.",
        "customer_label": "What you buy from us",
        "customer_question": "Do our products and services live up to what you hoped for?",
    },
    {
        "position": 8,
        "name": "Customer service they receive",
        "slug": "customer-service",
        "question": (
            "Is service empowered to fix problems fast (refunds, replacements, exchanges)?"
        ),
        "description": (
            "When something goes wrong: can service put it right at once, without escalation "
            "or argument?"
        ),
        "customer_label": "Help when something goes wrong",
        "customer_question": "When you have a problem, do we fix it quickly and fairly?",
    },
    {
        "position": 9,
        "name": "Friction, or lack of it, along the customer journey",
        "slug": "friction",
        "question": "How much waiting, clicking and re-entering remains on each channel?",
        "description": (
            "Waiting, extra clicks, repeating yourself, re-entering details: the effort the "
            "journey costs the customer."
        ),
        "customer_label": "Ease: no waiting, no hassle",
        "customer_question": "Is it easy to deal with us, without waiting or repeating yourself?",
    },
    {
        "position": 10,
        "name": "Brand reputation and expectations",
        "slug": "brand-reputation",
        "question": "Does what the brand stands for match what customers experience?",
        "description": (
            "The promise behind the name: what people expect of us before they ever buy, and "
            "whether we keep it."
        ),
        "customer_label": "Our reputation",
        "customer_question": "Do we live up to what our name stands for?",
    },
]


def seed(apps, schema_editor):
    Pillar = apps.get_model("assessments", "Pillar")
    for data in PILLARS:
        Pillar.objects.update_or_create(slug=data["slug"], defaults=data)


def unseed(apps, schema_editor):
    Pillar = apps.get_model("assessments", "Pillar")
    Pillar.objects.filter(slug__in=[p["slug"] for p in PILLARS]).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_pillars")]

    operations = [migrations.RunPython(seed, unseed)]
