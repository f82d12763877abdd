from django.urls import path  # noqa: F401

# kiosk, board, track, slip
public_urlpatterns: list = []
