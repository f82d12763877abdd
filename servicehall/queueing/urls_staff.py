from django.urls import path  # noqa: F401

# workbench, guide, manager
staff_urlpatterns: list = []
