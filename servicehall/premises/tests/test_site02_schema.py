"""SITE02: the patrols and rectifications API is described at /api/schema/, without generator warnings."""

import pytest
import yaml
from django.core.management import call_command


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_site02_the_premises_api_is_in_the_schema_with_its_errors(schema):
    paths = schema["paths"]
    submit = paths["/api/v1/premises/halls/{hall}/patrols"]["post"]
    assert {"201", "400", "401", "403", "404", "422"} <= set(submit["responses"])
    assert "premises" in submit["tags"]
    assert "get" in paths["/api/v1/premises/halls/{hall}/patrols"]
    assert "get" in paths["/api/v1/premises/halls/{hall}/rectifications"]
    step = paths["/api/v1/premises/halls/{hall}/rectifications/{rectification}"]["post"]
    assert {"200", "403", "404", "409", "422"} <= set(step["responses"])
