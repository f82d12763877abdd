"""Staff screens: counter workbench, lobby guide, duty manager console (and their htmx actions)."""

from django.urls import path

from . import views_guide, views_manager, views_workbench

staff_urlpatterns: list = [
    # Counter workbench (营业员工作台)
    path("halls/<slug:hall>/workbench/", views_workbench.workbench, name="workbench"),
    path("halls/<slug:hall>/workbench/take/", views_workbench.workbench_take, name="workbench_take"),
    path("halls/<slug:hall>/workbench/leave/", views_workbench.workbench_leave, name="workbench_leave"),
    path(
        "halls/<slug:hall>/workbench/counter/<slug:action>/",
        views_workbench.workbench_counter,
        name="workbench_counter",
    ),
    path(
        "halls/<slug:hall>/workbench/tickets/<uuid:ticket>/<slug:action>/",
        views_workbench.workbench_ticket,
        name="workbench_ticket",
    ),
    # Lobby guide (导购)
    path("halls/<slug:hall>/guide/", views_guide.guide, name="guide"),
    path("halls/<slug:hall>/guide/issue/", views_guide.guide_issue, name="guide_issue"),
    path("halls/<slug:hall>/guide/documents/", views_guide.guide_documents, name="guide_documents"),
    path("halls/<slug:hall>/guide/tickets/<uuid:ticket>/<slug:action>/", views_guide.guide_ticket, name="guide_ticket"),
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
