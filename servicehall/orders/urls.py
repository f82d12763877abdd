"""Staff pages of orders, mounted at /orders/."""

from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    # Start an order: ?hall=<code>&customer=<id>&ticket=<uuid>
    path("new/", views.create, name="create"),
    path("<int:order_id>/", views.detail, name="detail"),
    path("<int:order_id>/act/<slug:action>/", views.act, name="act"),
    path("<int:order_id>/details/", views.save_details, name="details"),
    path("<int:order_id>/hold-number/", views.hold_number, name="hold_number"),
    path("<int:order_id>/confirmation/", views.confirmation, name="confirmation"),
    path("<int:order_id>/documents/<slug:code>/file/", views.document_file, name="document_file"),
    # The duty manager's lists and the archive
    path("halls/<slug:hall>/review/", views.review_list, name="review_list"),
    path("halls/<slug:hall>/review/<int:order_id>/", views.review_decide, name="review_decide"),
    path("halls/<slug:hall>/in-progress/", views.in_progress, name="in_progress"),
    path("halls/<slug:hall>/unfinished/", views.unfinished, name="unfinished"),
    path("halls/<slug:hall>/jobs/", views.jobs_list, name="jobs"),
    path("halls/<slug:hall>/jobs/<int:job_id>/<slug:action>/", views.job_act, name="job_act"),
    path("halls/<slug:hall>/archive/", views.archive, name="archive"),
    path("halls/<slug:hall>/archive.xlsx", views.archive_export, name="archive_export"),
]
