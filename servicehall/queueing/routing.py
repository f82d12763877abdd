from django.urls import path

from .consumers import HallFeedConsumer

websocket_urlpatterns = [path("ws/halls/<slug:hall>/", HallFeedConsumer.as_asgi())]
