"""The profile's reaction panel in Chromium at desktop (1280 px) and phone (390 px) widths:
visible, its sentences and pseudonymous samples shown, and no wider than the phone.
SCREENSHOT_DIR keeps the screenshots for a person to look at."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from creators.models import Comment
from scoring.services.reaction import creator_reactions_recompute
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

TEXTS = [
    "I tried this serum for two weeks and my skin feels so much calmer now",
    "nice pic",
    "love this",
    "where can I buy the cleanser you used in this video",
    "🔥🔥🔥",
    "Does it work on oily skin too, or is it more for dry skin types?",
    "check out my channel and subscribe",
]


def _creator():
    now = timezone.now()
    creator = f.CreatorFactory(handle="leafy_reacts", followers=20_000)
    f.CreatorMetricsFactory(creator=creator, computed_at=now, tier="micro", er_median=0.03)
    comments = []
    for i in range(6):
        post = f.PostFactory(
            creator=creator,
            posted_at=now - timedelta(days=30 * i + 1),
            likes=400 + 50 * i,
            comments=20,
            is_sponsored=i == 2,
            caption="Morning routine with Leafy Skincare" if i % 2 else "",
            hashtags=["skincare", "routine"] if i % 2 else ["skincare"],
        )
        for j, text in enumerate(TEXTS):
            comments.append(
                Comment(
                    post=post,
                    creator=creator,
                    external_id=f"c{i}-{j}",
                    commenter_key=f"{j:x}{i:x}a9" + "0" * 60,
                    text=text,
                    created_at=post.posted_at + timedelta(hours=j + 1),
                )
            )
        comments.append(
            Comment(
                post=post,
                creator=creator,
                external_id=f"r{i}",
                parent_external_id=f"c{i}-0",
                commenter_key="ff" * 32,
                text="Thank you so much!",
                created_at=post.posted_at + timedelta(hours=4),
                is_creator_reply=True,
            )
        )
    Comment.objects.bulk_create(comments)
    creator_reactions_recompute(creator_ids=[creator.pk])
    return creator


@pytest.mark.parametrize("width", [1280, 390])
def test_reaction_panel_at_desktop_and_phone_width(world, login_page, live_server, tmp_path, width):
    creator = _creator()
    page = login_page(world.viewer_a)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/creators/{creator.pk}/?campaign={world.campaign_a.pk}")
    panel = page.locator("#reaction")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("of 42 comments are substantive")
    expect(panel).to_contain_text("Commenter ")
    expect(panel).to_contain_text("Unpaid mentions of Leafy Skincare")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    out = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(out / f"reaction_panel_{width}.png"))
