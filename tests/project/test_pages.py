"""The foundation's own pages: 200 for the right user, a login redirect for anonymous users."""

import pytest
from django.urls import reverse

PAGES = ["home", "password_change", "password_change_done"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_need_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
def test_pages_render_for_members(world, client_for, name):
    response = client_for(world.viewer_a).get(reverse(name))
    assert response.status_code == 200


def test_login_page_is_public(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200 and b'name="password"' in response.content


def test_admin_is_for_staff_only(world, client_for, client):
    assert client.get("/admin/").status_code == 302
    assert client_for(world.owner_a).get("/admin/").status_code == 302  # not staff: to admin login
    assert client_for(world.staff).get("/admin/").status_code == 200
    assert client_for(world.staff).get("/admin/creators/creator/").status_code == 200


def test_password_change_changes_the_password(world, client_for):
    world.owner_a.set_password("old-password-123")
    world.owner_a.save()
    client = client_for(world.owner_a)  # after set_password, or the session hash is stale
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "old-password-123",
            "new_password1": "A-much-better-pass-77",
            "new_password2": "A-much-better-pass-77",
        },
    )
    assert response.status_code == 302
    world.owner_a.refresh_from_db()
    assert world.owner_a.check_password("A-much-better-pass-77")
