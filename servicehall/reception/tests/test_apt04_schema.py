"""APT04: the visits and rooms API is described at /api/schema/, without generator warnings."""

import pytest
import yaml
from django.core.management import call_command


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_apt04_the_visits_api_is_in_the_schema_with_its_errors(schema):
    paths = schema["paths"]
    plan = paths["/api/v1/reception/halls/{hall}/visits"]["post"]
    assert {"201", "400", "401", "403", "404", "409", "422"} <= set(plan["responses"])
    assert "reception" in plan["tags"]
    assert "get" in paths["/api/v1/reception/halls/{hall}/visits/{visit}"]
    assert "get" in paths["/api/v1/reception/halls/{hall}/rooms"]
    visitor = schema["components"]["schemas"]["Visitor"]["properties"]
    assert "Masked" in visitor["id_number"]["description"]
    assert "VisitStatusEnum" in schema["components"]["schemas"]
