"""django-allauth wired to this product: its e-mails go through our outbox, staff
land in the console, and registration is ours (portal.views.register)."""

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.sites.shortcuts import get_current_site

from core.notifications import queue_rendered_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        request = context.get("request") or getattr(self, "request", None)
        ctx = {"email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"),
            "",
        )
        queue_rendered_email(
            kind=template_prefix.rsplit("/", 1)[-1],
            recipients=message.to,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
        )

    def format_email_subject(self, subject):
        return subject

    def is_open_for_signup(self, request):
        """Signing up goes through our registration page, not allauth's."""
        return False

    def get_login_redirect_url(self, request):
        user = request.user
        if getattr(user, "is_company_staff", False):
            return "/console/"
        return "/"
