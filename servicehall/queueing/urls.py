from django.urls import path

app_name = "queueing"
urlpatterns: list = []
