"""The OpenAPI schema and its Swagger UI, served from our own static files under our CSP."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from tests.helpers import CHROMIUM

pytestmark = pytest.mark.django_db


def test_schema_is_served_as_openapi_3(anonymous):
    response = anonymous.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Rehabit API"
    assert {"tokenAuth", "cookieAuth"} <= set(document["components"]["securitySchemes"])


def test_schema_validates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3")


def test_docs_page_loads_swagger_ui_from_our_own_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<style" not in html
    assert "<script>" not in html  # no inline script: the start-up script is a file
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_swagger_files_are_served_by_the_site(client):
    response = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert response.status_code == 200


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed")
def test_docs_render_in_chromium_without_csp_violations_or_other_origins(
    browser, live_server, settings
):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    requests: list[str] = []
    problems: list[str] = []
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.on("request", lambda request: requests.append(request.url))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock-tag", timeout=15_000)
    assert page.locator(".info .title").inner_text().startswith("Rehabit API")
    assert page.locator(".opblock-tag").count() >= 6
    assert page.get_by_text("/api/v1/me/plan/").count() >= 1
    violations = page.evaluate("window.__violations")
    context.close()
    assert violations == []
    assert problems == []
    assert requests
    assert all(url.startswith(live_server.url) for url in requests if not url.startswith("data:"))
