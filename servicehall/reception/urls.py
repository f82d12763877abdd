"""The business visitors' screens, mounted at /reception/."""

from django.urls import path

from . import views, views_public

app_name = "reception"
V = "halls/<slug:hall>/visits/<int:visit>/"
urlpatterns = [
    # The day's visits (the host's own, live), the plan form, a visit's page and its steps
    path("halls/<slug:hall>/visits/", views.visits, name="visits"),
    path("halls/<slug:hall>/visits/new/", views.visit_new, name="visit_new"),
    path(V, views.visit_page, name="visit"),
    path(V + "edit/", views.visit_edit, name="visit_edit"),
    path(V + "checklist/", views.visit_check, name="visit_check"),
    path(V + "record/", views.visit_record, name="visit_record"),
    path(V + "visitors/", views.visitor_add, name="visitor_add"),
    path(V + "visitors/<int:visitor>/sign-in/", views.visitor_sign_in, name="visitor_sign_in"),
    path(V + "visitors/<int:visitor>/id/", views.visitor_id, name="visitor_id"),
    path(V + "visitors/<int:visitor>/badge/", views.badge, name="badge"),
    path(V + "expenses/", views.expense_add, name="expense_add"),
    path(V + "steps/<slug:action>/", views.visit_act, name="visit_act"),
    path("halls/<slug:hall>/expenses/<int:expense>/decide/", views.expense_decide, name="expense_decide"),
    # The office: the month's expenses (节俭) with the Excel export, visits per host (第十七/十八条)
    path("halls/<slug:hall>/expenses/", views.expenses, name="expenses"),
    path("halls/<slug:hall>/expenses/export/", views.expenses_export, name="expenses_export"),
    path("halls/<slug:hall>/supervision/", views.supervision, name="supervision"),
    # The visitors' feedback after the farewell (a one-time link, no sign-in)
    path("feedback/<str:token>/", views_public.feedback, name="feedback"),
]
