"""The cashdesk screens, mounted at /cashdesk/."""

from django.urls import path

from . import views

app_name = "cashdesk"
urlpatterns = [
    # The clerk's drawer (CASH01-CASH03)
    path("halls/<slug:hall>/drawer/", views.drawer, name="drawer"),
    path("halls/<slug:hall>/drawer/open/", views.drawer_open, name="drawer_open"),
    path("halls/<slug:hall>/drawer/close/", views.drawer_close, name="drawer_close"),
    path("halls/<slug:hall>/drawer/suspect-notes/", views.suspect_note, name="suspect_note"),
    path("halls/<slug:hall>/drawer/handover/", views.handover_start, name="handover_start"),
    path("halls/<slug:hall>/handovers/<int:handover_id>/sign/", views.handover_sign, name="handover_sign"),
    path("halls/<slug:hall>/handovers/<int:handover_id>/withdraw/", views.handover_withdraw, name="handover_withdraw"),
    # The duty manager's money console and the daily settlement (CASH04)
    path("halls/<slug:hall>/money/", views.console, name="console"),
    path("halls/<slug:hall>/settlements/<str:day>/close/", views.settlement_close, name="settlement_close"),
    path("halls/<slug:hall>/settlements/<str:day>/deposit/", views.settlement_deposit, name="settlement_deposit"),
    path("halls/<slug:hall>/settlements/<str:day>/correction/", views.settlement_correct, name="settlement_correct"),
    path("halls/<slug:hall>/settlements/<str:day>/print/", views.settlement_print, name="settlement_print"),
    path("halls/<slug:hall>/settlements/<str:day>.xlsx", views.settlement_xlsx, name="settlement_xlsx"),
]
