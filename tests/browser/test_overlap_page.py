"""The overlap page in a browser: the heatmap fits the window and scrolls inside its own box
(at 1280 and 390 px), and the page names the creators without follower samples and the file
to import to fix it."""

import pytest

from creators.models import AudienceSketch
from matchmaker.lib import sketches
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def seed(world, n=14):
    for index in range(n):
        creator = f.CreatorFactory(handle=f"long_creator_handle_{index:02d}", followers=5000)
        if index % 3:  # every third creator has no follower sample
            AudienceSketch.objects.create(
                creator=creator, **sketches.sketch_values(range(index * 300, index * 300 + 900))
            )
        f.RosterEntryFactory(campaign=world.campaign_a, creator=creator)


@pytest.mark.parametrize("width", [1280, 390])
def test_heatmap_fits_and_missing_samples_are_named(world, login_page, live_server, width):
    seed(world)
    page = login_page(world.viewer_a)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/scoring/campaigns/{world.campaign_a.pk}/overlap/")
    # Nothing sticks out of the page: the heatmap scrolls inside its box.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    wrap = page.locator(".heat-wrap")
    box = wrap.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    if width == 390:
        assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")  # it scrolls, inside
    note = page.inner_text("#missing-samples")
    for index in (0, 3, 6, 9, 12):
        assert f"@long_creator_handle_{index:02d}" in note
    assert "@long_creator_handle_01" not in note
    assert "No follower sample for 5 of 14 creators" in note
    assert "import a Follower samples file" in note and "follower id" in note
