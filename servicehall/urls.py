from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from servicehall.core.apis import api_not_found
from servicehall.org import views as org_views
from servicehall.org import views_change_trail as org_views_change_trail
from servicehall.org.second_factor import admin_has_permission

urlpatterns = [
    path("", org_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/locked/<slug:hall>/", org_views.sign_in_locks, name="sign_in_locks"),
    path("accounts/second-factor/", org_views.second_factor_verify, name="second_factor_verify"),
    path("accounts/second-factor/enrol/", org_views.second_factor_enrol, name="second_factor_enrol"),
    path("accounts/second-factor/staff/<slug:hall>/", org_views.second_factor_staff, name="second_factor_staff"),
    path("halls/<slug:hall>/outbox/", org_views.outbox, name="outbox"),
    path("halls/<slug:hall>/change-trail/", org_views_change_trail.page, name="change_trail"),
    path("halls/<slug:hall>/change-trail/export.xlsx", org_views_change_trail.export, name="change_trail_export"),
    path("halls/<slug:hall>/closed-days/", org_views.closed_days, name="closed_days"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The queue's API first: its few endpoints take most of the requests (kiosks, counters), and a request
    # is matched against the patterns in order.
    path("api/v1/", include("servicehall.queueing.api_urls")),
    path("api/v1/", include("servicehall.customers.api_urls")),
    path("api/v1/", include("servicehall.orders.api_urls")),
    path("api/v1/", include("servicehall.billing.api_urls")),
    path("api/v1/", include("servicehall.promotions.api_urls")),
    path("api/v1/", include("servicehall.credit.api_urls")),
    path("api/v1/", include("servicehall.invoicing.api_urls")),
    path("api/v1/", include("servicehall.cashdesk.api_urls")),
    path("api/v1/", include("servicehall.care.api_urls")),
    path("api/v1/", include("servicehall.appointments.api_urls")),
    path("api/v1/", include("servicehall.reception.api_urls")),
    path("api/v1/", include("servicehall.hotel.api_urls")),
    path("api/v1/", include("servicehall.premises.api_urls")),
    path("api/v1/", include("servicehall.duty.api_urls")),
    path("api/v1/", include("servicehall.safety.api_urls")),
    path("api/v1/", include("servicehall.staff.api_urls")),
    path("api/v1/", include("servicehall.reports.api_urls")),
    # Anything else under /api/v1/ (bad ids included) is a JSON 404, not an HTML page.
    re_path(r"^api/v1/", api_not_found, name="api-not-found"),
    path("customers/", include("servicehall.customers.urls")),
    path("orders/", include("servicehall.orders.urls")),
    path("billing/", include("servicehall.billing.urls")),
    path("promotions/", include("servicehall.promotions.urls")),
    path("credit/", include("servicehall.credit.urls")),
    path("invoices/", include("servicehall.invoicing.urls")),
    path("cashdesk/", include("servicehall.cashdesk.urls")),
    path("care/", include("servicehall.care.urls")),
    path("appointments/", include("servicehall.appointments.urls")),
    path("reception/", include("servicehall.reception.urls")),
    path("hotel/", include("servicehall.hotel.urls")),
    path("premises/", include("servicehall.premises.urls")),
    path("duty/", include("servicehall.duty.urls")),
    path("safety/", include("servicehall.safety.urls")),
    path("staff/", include("servicehall.staff.urls")),
    path("reports/", include("servicehall.reports.urls")),
    path("", include("servicehall.queueing.urls")),
]

handler400 = "servicehall.core.views.bad_request"
handler403 = "servicehall.core.views.forbidden"
handler404 = "servicehall.core.views.not_found"
handler500 = "servicehall.core.views.server_error"


# Master data is edited by superusers only until the admin is scoped to halls, and only in a session that passed
# the second factor (ASVS V6) where it is required.
admin.site.has_permission = admin_has_permission  # type: ignore[method-assign]
