"""Routes of the public screens: kiosk, display board, ticket tracking, voice clips."""

from django.urls import path

from . import views_public as views

public_urlpatterns = [
    path("halls/<slug:hall>/kiosk/", views.kiosk, name="kiosk"),
    path("halls/<slug:hall>/board/", views.board, name="board"),
    path("halls/<slug:hall>/board/state/", views.board_state, name="board_state"),
    path("halls/<slug:hall>/screens/heartbeat/", views.screen_heartbeat, name="screen_heartbeat"),
    path("t/<uuid:ticket>/", views.track, name="track"),
    path("t/<uuid:ticket>/state/", views.track_state, name="track_state"),
    path("t/<uuid:ticket>/slip/", views.slip, name="slip"),
    path("voice/manifest.json", views.voice_manifest, name="voice_manifest"),
    path("voice/<slug:name>.wav", views.voice_clip, name="voice_clip"),
]
