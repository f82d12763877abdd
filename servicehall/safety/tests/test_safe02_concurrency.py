"""SAFE02 under real concurrency (threads; PostgreSQL): two issues of the same copy at once give one handover,
the other is refused (the copy's row is locked)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections, connection

from servicehall.core.errors import ApplicationError
from servicehall.org.roles import Role
from servicehall.safety import services
from servicehall.safety.models import KeyCopy, KeyHandover
from testsupport.world import build_world, make_member


def run_at_once(workers: list[Callable[[], Any]]) -> list[Any]:
    results: list[Any] = []
    start = threading.Barrier(len(workers))

    def wrap(work: Callable[[], Any]) -> None:
        try:
            start.wait()
            results.append(work())
        except ApplicationError as exc:
            results.append(exc)
        except Exception as exc:
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


@pytest.mark.django_db(transaction=True)
def test_safe02_two_issues_of_one_copy_at_once_give_one(threads_db):
    world = build_world("ha")
    officer = make_member(world.hall, Role.SAFETY_OFFICER, "safety_ha")
    key = services.key_create(hall=world.hall, actor=officer, kind="safe", name="Safe", copies=1)
    copy = KeyCopy.objects.get(key=key)
    receivers = [make_member(world.hall, Role.CLERK, f"taker{n}") for n in range(6)]
    close_old_connections()
    results = run_at_once(
        [lambda r=r: services.key_issue(copy=copy, actor=officer, receiver_id=r.pk) for r in receivers]
    )
    winners = [r for r in results if isinstance(r, KeyHandover)]
    refusals = [r for r in results if isinstance(r, ApplicationError)]
    assert len(winners) == 1, results
    assert len(refusals) == len(receivers) - 1 and {r.code for r in refusals} == {"handover_pending"}
    assert KeyHandover.objects.filter(copy=copy).count() == 1
