"""URLs of a grid company's host: the applicants' portal, the console and the API."""

from django.urls import include, path

from portal import views as portal_views

urlpatterns = [
    # Registration is ours (legal forms, identifiers, consents); the rest is allauth's.
    path("accounts/signup/", portal_views.register, name="account_signup"),
    path(
        "accounts/invite/<str:uidb36>/<str:token>/",
        portal_views.accept_invitation,
        name="accept_invitation",
    ),
    path("accounts/", include("allauth.urls")),
    path("console/", include("adminpanel.signing_urls")),
    path("console/", include("adminpanel.urls")),
    path("api/", include("api.urls")),
    path("", include("portal.urls")),
]
