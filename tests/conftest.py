"""Fixtures the browser tests share."""

import pytest


@pytest.fixture(scope="session")
def playwright():
    """One Playwright per test process: its sync API runs an event loop for as long as it is open,
    and a second one started beside it (another test file's) fails."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p
