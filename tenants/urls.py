"""The platform operator console, under /platform/ on the public host."""

from django.urls import path

from . import views

app_name = "platform"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_code_view, name="login_code"),
    path("logout/", views.logout_view, name="logout"),
    path("", views.company_list, name="companies"),
    path("companies/new/", views.company_create, name="company_create"),
    path("companies/<slug:subdomain>/", views.company_detail, name="company_detail"),
    path("companies/<slug:subdomain>/created/", views.company_created, name="company_created"),
    path("companies/<slug:subdomain>/delete/", views.company_delete, name="company_delete"),
    path("audit/", views.audit_log, name="audit"),
]
