"""HTML screens of the queue. Public screens (kiosk, board, tracking) and staff
screens (workbench, guide, duty manager) keep their routes in separate files."""

from .urls_public import public_urlpatterns
from .urls_staff import staff_urlpatterns

app_name = "queueing"
urlpatterns = [*public_urlpatterns, *staff_urlpatterns]
