"""What the browser tests share: places, the test password, logging in, screenshots."""

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
SCREEN_SIZES = [(390, 844), (1280, 800)]
FUTIAN = {"latitude": 22.543, "longitude": 114.057}
PASSWORD = "correct horse battery staple"  # UserFactory's


def log_in(page, username: str) -> None:
    """Fill the login page that ``page`` shows and send it."""
    page.fill("[name=username]", username)
    page.fill("[name=password]", PASSWORD)
    page.click("button.primary")


def save_screenshots(page, name: str) -> None:
    """``name``-WxH.png at a phone's and a laptop's size, under tests/e2e/screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for width, height in SCREEN_SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)  # the map follows its container's new size
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}x{height}.png", full_page=True)
