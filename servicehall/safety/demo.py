"""Demo safety data (SAFE02–04) for the demo hall: keys with holders, an extra copy waiting for approval, an
incident with a follow-up entry, drill records with one member overdue. Loading it again adds nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from servicehall.org.models import Hall

from . import services
from .models import CopyRequest, Drill, Incident, Key
from .selectors import copies

# kind, name, place, copies
KEYS = [
    ("safe", "保险柜", "现金间", 2),
    ("cash_room", "现金间门", "营业厅后区", 2),
    ("door", "营业厅正门", "正门", 3),
    ("cabinet", "资料柜", "后台办公室", 2),
    ("drawer", "1号窗口钱箱", "1号窗口", 2),
]


@transaction.atomic
def safety_demo_load(*, hall: Hall, keeper: Any, approver: Any, staff: dict[str, Any]) -> None:
    """`keeper` (safety officer) issues the keys, `approver` (duty manager) is the second safety manager;
    `staff` by username: the holders and the drill participants."""
    kinds = {k.code: k for k in services.drill_kinds_load(hall=hall)}
    if Key.objects.filter(hall=hall).exists():
        return
    for kind, name, place, count in KEYS:
        services.key_create(hall=hall, actor=keeper, kind=kind, name=name, place=place, copies=count)
    by_name = {(c.key.name, c.number): c for c in copies(hall=hall)}
    for (name, number), holder in [
        (("营业厅正门", 1), approver),
        (("现金间门", 1), staff["clerk1"]),
        (("1号窗口钱箱", 1), staff["clerk1"]),
        (("资料柜", 1), staff["service1"]),
    ]:
        handover = services.key_issue(copy=by_name[(name, number)], actor=keeper, receiver_id=holder.pk)
        services.handover_confirm(handover=handover, actor=holder)
    # One issue signed by the keeper, waiting for 李明 to confirm at his own login.
    services.key_issue(copy=by_name[("营业厅正门", 2)], actor=keeper, receiver_id=staff["clerk2"].pk)
    if not CopyRequest.objects.filter(key__hall=hall).exists():
        services.copy_request(key=by_name[("保险柜", 1)].key, actor=keeper, reason="备用钥匙需存放于分公司保管")
    if not Incident.objects.filter(hall=hall).exists():
        incident = services.incident_report(
            hall=hall,
            actor=staff["clerk2"],
            kind="conflict",
            occurred_at=timezone.now() - dt.timedelta(hours=1),
            place="2号窗口",
            description="客户因办理等候时间过长情绪激动，在窗口前大声争吵，大堂经理上前劝导。",
        )
        services.incident_add_entry(
            incident=incident,
            actor=approver,
            kind="action",
            text="已将客户引导至贵宾室单独处理，业务办结后客户情绪平稳，离开前表示谅解。",
        )
    if not Drill.objects.filter(hall=hall).exists():
        today = hall.local_date()
        everyone = [u for name, u in staff.items() if name != "clerk4"]
        for code, months_ago, topic in [
            ("fire_drill", 2, "营业时间火灾疏散演习"),
            ("fire_training", 3, "灭火器与消防栓使用培训"),
            ("cash_security", 4, "防抢防盗与现金押运培训"),
        ]:
            held_on = today - dt.timedelta(days=30 * months_ago)
            results = {u.pk: True for u in everyone}
            # 刘芳 (clerk4) took the fire drill a year ago and has not passed one since: overdue.
            services.drill_record(
                hall=hall, actor=keeper, kind_id=kinds[code].pk, held_on=held_on, topic=topic, results=results
            )
        services.drill_record(
            hall=hall,
            actor=keeper,
            kind_id=kinds["fire_drill"].pk,
            held_on=today - dt.timedelta(days=365),
            topic="年度消防疏散演习",
            results={staff["clerk4"].pk: True},
        )
