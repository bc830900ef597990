"""Logging in: the home page per role, and throttling after repeated failures."""

from django.urls import reverse


def test_login_is_throttled_after_five_failures(world, client):
    url = reverse("login")
    for _attempt in range(4):
        response = client.post(url, {"username": "staff_a", "password": "wrong"})
        assert response.status_code == 200
    assert client.post(url, {"username": "staff_a", "password": "wrong"}).status_code == 429
    # Now even the right password is refused until the lock expires.
    response = client.post(url, {"username": "staff_a", "password": "pw-12345678"})
    assert response.status_code == 429
    assert "15" in response.content.decode()  # tells the user how long to wait


def test_correct_password_logs_in_and_lands_on_home(world, client):
    response = client.post(reverse("login"), {"username": "staff_a", "password": "pw-12345678"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    page = client.get(reverse("home")).content.decode()
    assert "青石镇" in page  # the staff member's township is on their home page


def test_each_role_sees_its_own_home(world):
    reviewer = world.client("reviewer").get(reverse("home")).content.decode()
    assert "青石镇" in reviewer and "柳河乡" in reviewer and "白水镇" not in reviewer
    other = world.client("reviewer_other").get(reverse("home")).content.decode()
    assert "白水镇" in other and "青石镇" not in other
    deputy = world.client("deputy").get(reverse("home")).content.decode()
    assert "王建国" in deputy


def test_home_page_is_chinese_by_default_and_english_on_switch(world, client):
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page and "登录" not in page


def test_browser_language_does_not_override_chinese_default(world, client):
    """A PC or tablet set up in English still shows Chinese until someone switches."""
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page and "登录" in page
