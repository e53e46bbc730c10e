"""URLs of the public host: the platform operators' side."""

from django.urls import path

from tenants import views

urlpatterns = [
    path("", views.landing, name="platform_landing"),
]
