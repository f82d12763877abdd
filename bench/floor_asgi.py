"""The project's ASGI application plus two empty endpoints, for `bench/floor.py --http`."""

from __future__ import annotations

from typing import Any

from django.core.asgi import get_asgi_application
from django.http import HttpResponse
from django.urls import path
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

application = get_asgi_application()  # sets Django up before the URLconf is touched


def django_empty(request: Any) -> HttpResponse:
    return HttpResponse("ok")


class DrfEmpty(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    def post(self, request: Any) -> Response:
        return Response({})


def _install() -> None:
    from servicehall import urls

    urls.urlpatterns[:0] = [path("floor/django", django_empty), path("floor/drf", DrfEmpty.as_view())]


_install()
