"""Staff screens: counter workbench, lobby guide, duty manager console (and their htmx actions)."""

from django.urls import path

from . import views_guide, views_manager, views_workbench

staff_urlpatterns: list = [
    # Counter workbench (营业员工作台)
    path("halls/<slug:hall>/workbench/", views_workbench.workbench, name="workbench"),
    path("halls/<slug:hall>/workbench/take/", views_workbench.workbench_take, name="workbench_take"),
    path("halls/<slug:hall>/workbench/leave/", views_workbench.workbench_leave, name="workbench_leave"),
    # One URL per action of the clerk: on their counter, and on a ticket of their counter
    *[
        path(f"halls/<slug:hall>/workbench/counter/{action}/", view, name=f"workbench_{name}")
        for action, name, view in (
            ("call-next", "call_next", views_workbench.workbench_call_next),
            ("finish-and-call-next", "finish_and_call_next", views_workbench.workbench_finish_and_call_next),
            ("open", "open", views_workbench.workbench_open),
            ("pause", "pause", views_workbench.workbench_pause),
            ("close", "close", views_workbench.workbench_close),
        )
    ],
    *[
        path(f"halls/<slug:hall>/workbench/tickets/<uuid:ticket>/{action}/", view, name=f"workbench_{name}")
        for action, name, view in (
            ("recall", "recall", views_workbench.workbench_recall),
            ("start", "start", views_workbench.workbench_start),
            ("no-show", "no_show", views_workbench.workbench_no_show),
            ("hold", "hold", views_workbench.workbench_hold),
            ("resume", "resume", views_workbench.workbench_resume),
            ("transfer", "transfer", views_workbench.workbench_transfer),
            ("finish", "finish", views_workbench.workbench_finish),
            ("step", "step", views_workbench.workbench_step),
        )
    ],
    # Lobby guide (导购)
    path("halls/<slug:hall>/guide/", views_guide.guide, name="guide"),
    path("halls/<slug:hall>/guide/issue/", views_guide.guide_issue, name="guide_issue"),
    path("halls/<slug:hall>/guide/documents/", views_guide.guide_documents, name="guide_documents"),
    path("halls/<slug:hall>/guide/tickets/<uuid:ticket>/returned/", views_guide.guide_returned, name="guide_returned"),
    path("halls/<slug:hall>/guide/tickets/<uuid:ticket>/left/", views_guide.guide_left, name="guide_left"),
    # Duty manager console
    path("halls/<slug:hall>/manager/", views_manager.manager, name="manager"),
    path(
        "halls/<slug:hall>/manager/counters/<int:counter>/status/",
        views_manager.manager_counter,
        name="manager_counter",
    ),
    # Pairing the hall's board and kiosk devices (they then run without a staff session)
    path("halls/<slug:hall>/screens/pair/", views_manager.screens_pair, name="screens_pair"),
    path("halls/<slug:hall>/screens/unpair/", views_manager.screens_unpair_all, name="screens_unpair_all"),
]
