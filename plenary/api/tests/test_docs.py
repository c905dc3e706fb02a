"""The OpenAPI document and the interactive docs, which must work without the internet."""

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/meetings",
    "/api/v1/meetings/{slug}",
    "/api/v1/meetings/{slug}/deadlines",
    "/api/v1/meetings/{slug}/agenda",
    "/api/v1/meetings/{slug}/timeplan",
    "/api/v1/meetings/{slug}/calendar.ics",
    "/api/v1/workitems",
}


def test_the_openapi_document_lists_the_routes(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) >= PATHS
    assert {"TokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])
    assert "Error" in schema["components"]["schemas"]
    meetings = schema["paths"]["/api/v1/meetings"]["get"]
    assert meetings["operationId"] == "list_meetings"
    assert {} in meetings["security"]  # public reads need no credentials
    assert {"400", "401", "404", "429"} <= set(meetings["responses"])


def test_the_docs_load_swagger_from_our_own_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.text
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"):
        assert finders.find(f"ninja/{name}"), name
