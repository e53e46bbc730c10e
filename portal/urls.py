from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="portal_home"),
    path("help/", views.help_page, name="portal_help"),
    path("profile/", views.profile, name="portal_profile"),
    path("profile/email/<str:token>/", views.confirm_email, name="portal_confirm_email"),
]
