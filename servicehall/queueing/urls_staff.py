"""Staff screens: counter workbench, lobby guide, duty manager console (and their htmx actions)."""

from django.urls import path

from . import views_staff as views

staff_urlpatterns: list = [
    # Counter workbench (营业员工作台)
    path("halls/<slug:hall>/workbench/", views.workbench, name="workbench"),
    path("halls/<slug:hall>/workbench/take/", views.workbench_take, name="workbench_take"),
    path("halls/<slug:hall>/workbench/leave/", views.workbench_leave, name="workbench_leave"),
    path("halls/<slug:hall>/workbench/counter/<slug:action>/", views.workbench_counter, name="workbench_counter"),
    path(
        "halls/<slug:hall>/workbench/tickets/<uuid:ticket>/<slug:action>/",
        views.workbench_ticket,
        name="workbench_ticket",
    ),
    # Lobby guide (导购)
    path("halls/<slug:hall>/guide/", views.guide, name="guide"),
    path("halls/<slug:hall>/guide/issue/", views.guide_issue, name="guide_issue"),
    path("halls/<slug:hall>/guide/documents/", views.guide_documents, name="guide_documents"),
    path("halls/<slug:hall>/guide/tickets/<uuid:ticket>/<slug:action>/", views.guide_ticket, name="guide_ticket"),
    # Duty manager console
    path("halls/<slug:hall>/manager/", views.manager, name="manager"),
    path("halls/<slug:hall>/manager/counters/<int:counter>/status/", views.manager_counter, name="manager_counter"),
    # Pairing the hall's board and kiosk devices (they then run without a staff session)
    path("halls/<slug:hall>/screens/pair/", views.screens_pair, name="screens_pair"),
    path("halls/<slug:hall>/screens/unpair/", views.screens_unpair_all, name="screens_unpair_all"),
]
