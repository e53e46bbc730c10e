"""URLs of a grid company's host: the applicants' portal, the console and the API."""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("", include("portal.urls")),
]
