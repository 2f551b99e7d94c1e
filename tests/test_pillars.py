"""The seeded pillars and the home page that explains the method with them."""

import html as html_lib
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments.models import Pillar

EXPECTED_NAMES = [
    "Advertising to consumers",
    "Content they consume",
    "Digital experiences they interact with or observe",
    "Non-digital experiences they interact with or observe",
    "Communications from the company",
    "Company representatives they communicate with",
    "Products and services they purchase",
    "Customer service they receive",
    "Friction, or lack of it, along the customer journey",
    "Brand reputation and expectations",
]


def test_ten_pillars_are_seeded_in_order_with_their_names(pillars):
    assert [p.name for p in pillars] == EXPECTED_NAMES
    assert [p.position for p in pillars] == list(range(1, 11))
    assert all(p.is_active for p in pillars)


def test_every_seeded_pillar_has_all_texts_and_a_unique_slug(pillars):
    assert len({p.slug for p in pillars}) == 10
    for p in pillars:
        assert p.question and p.description and p.customer_label and p.customer_question
        # Customers never see internal jargon: their label is not the internal name.
        assert p.customer_label != p.name


@pytest.mark.parametrize("field", ["position", "name", "slug"])
def test_a_pillar_cannot_duplicate_position_name_or_slug(pillars, field):
    data = {
        "position": 11,
        "name": "New pillar",
        "slug": "new-pillar",
        "question": "q",
        "customer_label": "l",
        "customer_question": "cq",
    }
    data[field] = getattr(pillars[0], field)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pillar.objects.create(**data)


def test_position_zero_is_refused_by_the_database(pillars):
    with pytest.raises(IntegrityError), transaction.atomic():
        Pillar.objects.filter(pk=pillars[0].pk).update(position=0)


def test_home_page_explains_the_method_and_lists_all_pillars(client, pillars):
    response = client.get(reverse("assessments:home"))
    assert response.status_code == 200
    html = response.content.decode()
    for step in ["Score", "Rank", "Ask customers", "Prioritise"]:
        assert step in html
    for pillar in pillars:
        assert html_lib.escape(pillar.name) in html
        assert html_lib.escape(pillar.question) in html


def test_home_page_leaves_out_retired_pillars(client, pillars):
    Pillar.objects.filter(pk=pillars[0].pk).update(is_active=False)
    html = client.get(reverse("assessments:home")).content.decode()
    assert pillars[0].name not in html
    assert pillars[1].name in html


def test_home_page_links_only_local_static_files_which_are_served(client, db):
    html = client.get(reverse("assessments:home")).content.decode()
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html
    assert "//cdn" not in html
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert any("bootstrap" in a and a.endswith(".css") for a in assets)
    assert any("bootstrap" in a and a.endswith(".js") for a in assets)
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
        body = b"".join(response.streaming_content)
        assert len(body) > 100, asset


def test_home_page_query_count_is_bounded(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get(reverse("assessments:home")).status_code == 200
