"""The premises' screens, mounted at /premises/."""

from django.urls import path

from . import views, views_equipment

app_name = "premises"
H = "halls/<slug:hall>/"
urlpatterns = [
    # The hall's patrols: today's rounds, history, the weekly trend, the schedule
    path(H + "patrols/", views.patrols, name="patrols"),
    path(H + "patrols/new/", views.patrol_new, name="patrol_new"),
    path(H + "patrols/<int:patrol>/", views.patrol_page, name="patrol"),
    path(H + "patrols/<int:patrol>/photos/<int:result>/", views.patrol_photo, name="patrol_photo"),
    path(H + "rounds/", views.round_add, name="round_add"),
    path(H + "rounds/<int:round>/remove/", views.round_remove, name="round_remove"),
    # Rectifications (整改): mine or all, one with its history and steps
    path(H + "rectifications/", views.rectifications, name="rectifications"),
    path(H + "rectifications/<int:rectification>/", views.rectification_page, name="rectification"),
    path(H + "rectifications/<int:rectification>/photo/", views.rectification_photo, name="rectification_photo"),
    path(H + "rectifications/<int:rectification>/<slug:action>/", views.rectification_act, name="rectification_act"),
    # The equipment register (SITE03): the list, an item with its faults, history and steps
    path(H + "equipment/", views_equipment.equipment_list, name="equipment"),
    path(H + "equipment/add/", views_equipment.equipment_add, name="equipment_add"),
    path(H + "equipment/<int:equipment>/", views_equipment.equipment_item, name="equipment_item"),
    path(
        H + "equipment/<int:equipment>/faults/<int:fault>/photo/",
        views_equipment.fault_photo,
        name="equipment_fault_photo",
    ),
    path(H + "equipment/<int:equipment>/<slug:action>/", views_equipment.equipment_act, name="equipment_act"),
]
