from django.shortcuts import render


def landing(request):
    """The public host's page: what the service is, for grid companies."""
    return render(request, "tenants/landing.html")
