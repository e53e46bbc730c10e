"""The applicant's pages. Views parse input, call one service, render."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.accounts import invitations, services
from core.accounts.forms import ApplicantDataForm, RegistrationForm
from core.audit import client_ip
from core.models import LegalForm

from .access import applicant_required

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def home(request):
    """The company's front page: «Информация» for a signed-in user, else the login window."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    return info(request)


@applicant_required
def info(request):
    return render(request, "portal/info.html", {"menu": "info"})


@applicant_required
def help_page(request):
    return render(request, "portal/help.html", {"menu": "help"})


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("/")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_applicant(
                user_values=form.user_values(),
                profile_values=form.profile_values(),
                password=form.cleaned_data["password1"],
                pep_accepted=form.cleaned_data["pep_agreement"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            return redirect("/")
    return render(request, "portal/register.html", {"form": form, "legal_forms": LegalForm.choices})


@applicant_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ApplicantDataForm(request.POST, user=user)
        if form.is_valid():
            changed = services.update_applicant_data(
                user,
                user_values=form.user_values(),
                profile_values=form.profile_values(),
                ip=client_ip(request),
            )
            if "email" in changed:
                messages.info(
                    request,
                    "На новый адрес отправлено письмо со ссылкой. Email изменится после "
                    "подтверждения.",
                )
            messages.success(request, "Данные сохранены." if changed else "Изменений нет.")
            return redirect("portal_profile")
    else:
        form = ApplicantDataForm(initial=ApplicantDataForm.initial_for(user), user=user)
    return render(
        request,
        "portal/profile.html",
        {"form": form, "legal_forms": LegalForm.choices, "menu": "profile"},
    )


def confirm_email(request, token):
    try:
        services.confirm_email_change(token, ip=client_ip(request))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "Новый email подтверждён.")
    return redirect("portal_profile" if request.user.is_authenticated else "account_login")


@require_http_methods(["GET", "POST"])
def accept_invitation(request, uidb36, token):
    """A staff member sets a password from the invitation link, then is signed in."""
    user = invitations.user_for_invitation(uidb36, token)
    if user is None:
        raise Http404("Ссылка недействительна или устарела.")
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        login(request, user, backend=LOGIN_BACKEND)
        messages.success(request, "Пароль установлен.")
        return redirect("/console/" if user.is_company_staff else "/")
    return render(request, "portal/set_password.html", {"form": form, "invited": user})


def page_file(request, file_id):
    """A file the company links from its pages; for signed-in users of this company."""
    from core.files import file_download_response
    from core.models import PageFile

    if not request.user.is_authenticated:
        raise Http404
    page_file = PageFile.objects.filter(pk=file_id).first()
    if page_file is None:
        raise Http404
    return file_download_response(page_file.file.name, page_file.file_name)
