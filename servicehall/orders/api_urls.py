"""The orders API, mounted at /api/v1/ before the queue API's catch-all."""

from django.urls import path

from . import apis, apis_repairs

app_name = "orders_api"
urlpatterns = [
    path("halls/<slug:hall>/orders", apis.HallOrdersApi.as_view(), name="hall-orders"),
    path("halls/<slug:hall>/jobs", apis.HallJobsApi.as_view(), name="hall-jobs"),
    path("halls/<slug:hall>/repairs", apis_repairs.HallRepairsApi.as_view(), name="hall-repairs"),
    path("repairs/<int:repair_id>", apis_repairs.RepairApi.as_view(), name="repair"),
    path("jobs/<int:job_id>/report", apis.JobReportApi.as_view(), name="job-report"),
    path("jobs/<int:job_id>/reschedule", apis.JobRescheduleApi.as_view(), name="job-reschedule"),
    path("orders/<int:order_id>", apis.OrderApi.as_view(), name="order"),
    path("orders/<int:order_id>/advance", apis.OrderAdvanceApi.as_view(), name="order-advance"),
    path("orders/<int:order_id>/parties", apis.OrderPartiesApi.as_view(), name="order-parties"),
    path("orders/<int:order_id>/identity-checks", apis.OrderIdentityChecksApi.as_view(), name="order-identity-checks"),
    path(
        "orders/<int:order_id>/documents/<slug:code>/seen",
        apis.OrderDocumentSeenApi.as_view(),
        name="order-document-seen",
    ),
    path("orders/<int:order_id>/fraud-check", apis.OrderFraudCheckApi.as_view(), name="order-fraud-check"),
    path("orders/<int:order_id>/review", apis.OrderReviewApi.as_view(), name="order-review"),
    path("orders/<int:order_id>/confirm", apis.OrderConfirmApi.as_view(), name="order-confirm"),
    path("orders/<int:order_id>/withdraw", apis.OrderWithdrawApi.as_view(), name="order-withdraw"),
    path("orders/<int:order_id>/revert", apis.OrderRevertApi.as_view(), name="order-revert"),
    path(
        "orders/<int:order_id>/recommendations",
        apis.OrderRecommendationsApi.as_view(),
        name="order-recommendations",
    ),
]
