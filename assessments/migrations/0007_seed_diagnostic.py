"""Seed the 20-question CX diagnostic: four areas, five Yes / Partly / No questions each, in our
own wording (editable in the admin)."""

from django.db import migrations
from django.utils.translation import gettext_noop as N_

# N_() only marks the seeded wording for the translation catalogues; the database keeps English.

AREAS = [
    (
        "people",
        N_("People"),
        N_(
            "Whether the people who serve customers know the experience we mean to give and are chosen and valued for it."
        ),
        [
            (
                "people-experience-in-words",
                N_(
                    "Have we put the experience we want to give customers into words that every employee understands?"
                ),
            ),
            (
                "people-hire-for-traits",
                N_("Do we hire for warmth, empathy, optimism, care for detail and teamwork?"),
            ),
            (
                "people-recruit-front-line",
                N_("Do we recruit the people who face customers for exactly those qualities?"),
            ),
            (
                "people-profile-best",
                N_("Have we described what our best customer-facing people have in common?"),
            ),
            (
                "people-poached-first",
                N_("Would a competitor try to hire our people before anyone else's?"),
            ),
        ],
    ),
    (
        "processes-technology",
        N_("Processes and technology"),
        N_("Whether the way we work and the systems we use help staff solve a customer's problem."),
        [
            (
                "process-time-to-solve",
                N_(
                    "Do our processes leave staff the time to listen to each customer, find the cause and fix the problem?"
                ),
            ),
            (
                "process-reach-a-person",
                N_("Can someone who calls us get to a person from the phone menu at any point?"),
            ),
            (
                "process-information-follows",
                N_(
                    "Do our systems carry the customer's details from one touchpoint to the next, so nobody has to repeat themselves?"
                ),
            ),
            (
                "process-leading-lagging",
                N_("Do we track both leading and lagging customer measures?"),
            ),
            (
                "process-works-on-phone",
                N_("Can customers complete our key processes on a mobile phone?"),
            ),
        ],
    ),
    (
        "customers",
        N_("Customers"),
        N_("Whether we know what customers expect and hear from them at the moments that matter."),
        [
            (
                "customers-know-expectations",
                N_(
                    "Do we know what customers expect from our service, our products and our brand?"
                ),
            ),
            (
                "customers-feedback-touchpoints",
                N_("Do we ask customers for feedback at the touchpoints that matter most?"),
            ),
            (
                "customers-complaints-fast",
                N_("Do we answer complaints quickly, whatever channel they arrive on?"),
            ),
            (
                "customers-touchpoints-mapped",
                N_("Have we mapped every touchpoint a customer meets?"),
            ),
            ("customers-touchpoint-owners", N_("Does someone own each of those touchpoints?")),
        ],
    ),
    (
        "finance",
        N_("Finance"),
        N_(
            "Whether we can put a number on what customer experience earns and what poor service costs."
        ),
        [
            (
                "finance-ideal-behaviour",
                N_("Have we described what an ideal customer does: buys, stays, recommends?"),
            ),
            (
                "finance-return-model",
                N_(
                    "Have we built a model of the return on customer experience together with finance?"
                ),
            ),
            (
                "finance-cost-of-poor-service",
                N_(
                    "Do we know what poor service costs us in churn, returns, cancellations and lost renewals?"
                ),
            ),
            (
                "finance-win-versus-keep",
                N_(
                    "Have we compared what it costs to win a customer with what it costs to keep one?"
                ),
            ),
            (
                "finance-price-or-service",
                N_(
                    "Do we know how many customers leave because of price and how many because of service?"
                ),
            ),
        ],
    ),
]


def seed(apps, schema_editor):
    DiagnosticArea = apps.get_model("assessments", "DiagnosticArea")
    DiagnosticQuestion = apps.get_model("assessments", "DiagnosticQuestion")
    for area_position, (slug, name, description, questions) in enumerate(AREAS, start=1):
        area, _created = DiagnosticArea.objects.update_or_create(
            slug=slug,
            defaults={"position": area_position, "name": name, "description": description},
        )
        for position, (question_slug, text) in enumerate(questions, start=1):
            DiagnosticQuestion.objects.update_or_create(
                slug=question_slug,
                defaults={"area": area, "position": position, "text": text, "is_active": True},
            )


def unseed(apps, schema_editor):
    DiagnosticQuestion = apps.get_model("assessments", "DiagnosticQuestion")
    DiagnosticArea = apps.get_model("assessments", "DiagnosticArea")
    slugs = [slug for area in AREAS for slug, _text in area[3]]
    DiagnosticQuestion.objects.filter(slug__in=slugs).delete()
    DiagnosticArea.objects.filter(slug__in=[area[0] for area in AREAS]).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0006_frameworks_diagnostic_dashboard")]

    operations = [migrations.RunPython(seed, unseed)]
