from __future__ import annotations

import pytest

from tests.helpers import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_is_accessible_on_a_phone(live_server, phone_page):
    phone_page.goto(f"{live_server.url}/login/")
    screenshot(phone_page, "login-phone")
    assert_accessible(phone_page)


def test_patient_logs_in_and_sees_today(live_server, phone_page, patient):
    log_in(phone_page, live_server.url, patient.user.username)
    assert phone_page.url.endswith("/today/")
    assert phone_page.get_by_role("heading", level=1).inner_text().startswith("Today")
