from django.shortcuts import redirect, render


def home(request):
    """The company's front page: «Информация» for a signed-in user, else the login window."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    return render(request, "portal/info.html")
