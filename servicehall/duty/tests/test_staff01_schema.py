"""STAFF01, STAFF03: the checklist, meetings and roster API is described at /api/schema/, without warnings."""

import pytest
import yaml
from django.core.management import call_command


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_staff01_staff03_the_duty_api_is_in_the_schema_with_its_errors(schema):
    paths = schema["paths"]
    tick = paths["/api/v1/duty/halls/{hall}/checklist"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "422"} <= set(tick["responses"])
    assert "duty" in tick["tags"]
    assert {"get", "post"} <= set(paths["/api/v1/duty/halls/{hall}/meetings"])
    assert {"get", "post"} <= set(paths["/api/v1/duty/halls/{hall}/roster"])
    assert "delete" in paths["/api/v1/duty/halls/{hall}/roster/{entry}"]
    assert "break_start" in schema["components"]["schemas"]["RosterEntry"]["properties"]
