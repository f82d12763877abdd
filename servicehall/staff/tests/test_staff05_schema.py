"""STAFF04, STAFF05, SITE04: the staff API is described at /api/schema/, without generator warnings."""

import pytest
import yaml
from django.core.management import call_command


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_staff04_staff05_site04_the_staff_api_is_in_the_schema_with_its_errors(schema):
    paths = schema["paths"]
    base = "/api/v1/staff/halls/{hall}/"
    assert "get" in paths[base + "exams"]
    assert {"201", "404", "422"} <= set(paths[base + "exams/{exam}/attempts"]["post"]["responses"])
    assert {"200", "201", "400", "422"} <= set(paths[base + "attempts/{attempt}/submit"]["post"]["responses"])
    assert "get" in paths[base + "results"] and "get" in paths[base + "results/mine"]
    for path in ("cards", "cards/mine", "cards/{card}"):
        assert "get" in paths[base + path]
    compute = paths[base + "assessment/compute"]["post"]
    assert {"201", "400", "403", "409", "422"} <= set(compute["responses"])
    assert "staff" in compute["tags"]
    assert {"201", "422"} <= set(paths[base + "cards/{card}/adjustments"]["post"]["responses"])
    assert {"get", "post"} <= set(paths[base + "manager-assessments"])
