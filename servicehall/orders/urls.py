"""Staff pages of orders, mounted at /orders/."""

from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    # Start an order: ?hall=<code>&customer=<id>&ticket=<uuid>
    path("new/", views.create, name="create"),
    path("<int:order_id>/", views.detail, name="detail"),
    # One URL per action on the order; each answers with the order's panel (billing adds pay and refund).
    path("<int:order_id>/advance/", views.advance, name="advance"),
    path("<int:order_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:order_id>/revert/", views.revert, name="revert"),
    path("<int:order_id>/customer/", views.set_customer, name="set_customer"),
    path("<int:order_id>/proxy/", views.set_proxy, name="set_proxy"),
    path("<int:order_id>/authorisation/", views.record_authorisation, name="record_authorisation"),
    path("<int:order_id>/counterparty/", views.set_counterparty, name="set_counterparty"),
    path("<int:order_id>/identity/", views.check_identity, name="check_identity"),
    path("<int:order_id>/documents/seen/", views.document_seen, name="document_seen"),
    path("<int:order_id>/documents/upload/", views.document_upload, name="document_upload"),
    path("<int:order_id>/fraud-check/", views.fraud_check, name="fraud_check"),
    path("<int:order_id>/confirm/", views.confirm, name="confirm"),
    path("<int:order_id>/recommend/", views.recommend, name="recommend"),
    path("<int:order_id>/review/", views.review_order, name="review"),
    path("<int:order_id>/work-done/", views.work_done, name="work_done"),
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
    path("halls/<slug:hall>/jobs/<int:job_id>/report/", views.job_report, name="job_report"),
    path("halls/<slug:hall>/jobs/<int:job_id>/reschedule/", views.job_reschedule, name="job_reschedule"),
    path("halls/<slug:hall>/repairs/", views.repairs_list, name="repairs"),
    path("halls/<slug:hall>/repairs/open/", views.repair_open, name="repair_open"),
    path("halls/<slug:hall>/repairs/<int:repair_id>/", views.repair_detail, name="repair"),
    path("halls/<slug:hall>/repairs/<int:repair_id>/dispatch/", views.repair_dispatch, name="repair_dispatch"),
    path("halls/<slug:hall>/repairs/<int:repair_id>/report/", views.repair_report, name="repair_report"),
    path("halls/<slug:hall>/repairs/<int:repair_id>/confirm/", views.repair_confirm, name="repair_confirm"),
    path("halls/<slug:hall>/repairs/<int:repair_id>/close/", views.repair_close, name="repair_close"),
    path("halls/<slug:hall>/archive/", views.archive, name="archive"),
    path("halls/<slug:hall>/archive.xlsx", views.archive_export, name="archive_export"),
]
