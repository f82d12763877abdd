"""RPT03: `manage.py staffing` with exactly the issue's interface; bad input exits with status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from servicehall.reports.erlang import staffing_for

ROOT = Path(__file__).resolve().parents[3]


def _run(*args: str) -> dict:
    out = StringIO()
    call_command("staffing", *args, stdout=out)
    return json.loads(out.getvalue())


def test_rpt03_command_target_prints_the_smallest_number_and_its_figures():
    figures = _run(
        "--arrivals-per-hour", "250", "--handle-seconds", "330", "--target-level", "0.8", "--within-seconds", "30",
        "--json",
    )  # fmt: skip
    assert figures["counters"] == 28
    assert figures["service_level"] == pytest.approx(0.8569, abs=1e-4)
    assert figures["asa_seconds"] == pytest.approx(14.75, abs=0.01)
    assert figures["occupancy"] == pytest.approx(22.9167 / 28, abs=1e-4)
    assert figures["p_wait"] == pytest.approx(0.2272, abs=1e-4)
    fewer = staffing_for(counters=27, arrivals_per_hour=250, handle_seconds=330, within_seconds=30)
    assert fewer.service_level < 0.8


def test_rpt03_command_counters_prints_the_same_figures_for_n():
    figures = _run(
        "--arrivals-per-hour", "250", "--handle-seconds", "330", "--within-seconds", "30", "--counters", "30", "--json"
    )
    expected = staffing_for(counters=30, arrivals_per_hour=250, handle_seconds=330, within_seconds=30)
    assert figures["counters"] == 30
    assert figures["service_level"] == pytest.approx(expected.service_level)
    assert figures["asa_seconds"] == pytest.approx(expected.asa_seconds, abs=0.001)
    assert set(figures) >= {"counters", "service_level", "asa_seconds", "occupancy", "p_wait"}


def test_rpt03_command_too_few_counters_says_the_queue_grows():
    figures = _run(
        "--arrivals-per-hour", "250", "--handle-seconds", "330", "--within-seconds", "30", "--counters", "20", "--json"
    )
    assert figures["stable"] is False and figures["asa_seconds"] is None and figures["service_level"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--arrivals-per-hour", "0", "--handle-seconds", "330", "--target-level", "0.8"], "greater than zero"),
        (["--arrivals-per-hour", "-3", "--handle-seconds", "330", "--target-level", "0.8"], "greater than zero"),
        (["--arrivals-per-hour", "250", "--handle-seconds", "0", "--target-level", "0.8"], "greater than zero"),
        (["--arrivals-per-hour", "250", "--handle-seconds", "330", "--target-level", "1.5"], "between 0 and 1"),
        (["--arrivals-per-hour", "250", "--handle-seconds", "330", "--counters", "0"], "greater than zero"),
        (["--arrivals-per-hour", "1e9", "--handle-seconds", "330", "--target-level", "0.8"], "counters"),
    ],
)
def test_rpt03_command_bad_input_is_a_clear_error_with_status_2(args, message):
    with pytest.raises(CommandError) as caught:
        call_command("staffing", *args, "--within-seconds", "30", "--json", stdout=StringIO())
    assert caught.value.returncode == 2
    assert message in str(caught.value)


def test_rpt03_command_exit_status_from_the_shell():
    """The real process: 0 with JSON on stdout, 2 with the message on stderr (a load beyond the cap, text)."""
    base = [sys.executable, "manage.py", "staffing", "--handle-seconds", "330", "--within-seconds", "30"]
    good = subprocess.run(  # noqa: S603
        [*base, "--arrivals-per-hour", "250", "--target-level", "0.8", "--json"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["counters"] == 28
    bad = subprocess.run(  # noqa: S603
        [*base, "--arrivals-per-hour", "1e9", "--target-level", "0.8", "--max-counters", "50"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "more than 50 counters" in bad.stderr
    nonsense = subprocess.run(  # noqa: S603
        [*base, "--arrivals-per-hour", "many", "--target-level", "0.8"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert nonsense.returncode == 2
