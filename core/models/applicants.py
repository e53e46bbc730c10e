"""Applicants' profiles: legal form, identifiers, consents."""

from django.db import models
from django.db.models import Q


class LegalForm(models.TextChoices):
    INDIVIDUAL = "fl", "Физическое лицо"
    ENTREPRENEUR = "ip", "Индивидуальный предприниматель"
    LEGAL_ENTITY = "ul", "Юридическое лицо"


class ApplicantProfile(models.Model):
    """What an applicant registered with: legal form and its identifiers, consents."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="applicant_profile"
    )
    legal_form = models.CharField("Правовая форма", max_length=2, choices=LegalForm.choices)
    snils = models.CharField("СНИЛС", max_length=14, blank=True)
    inn = models.CharField("ИНН", max_length=12, blank=True)
    ogrn = models.CharField("ОГРН / ОГРНИП", max_length=15, blank=True)
    kpp = models.CharField("КПП", max_length=9, blank=True)
    organization_name = models.CharField("Наименование организации", max_length=500, blank=True)
    personal_data_consent_at = models.DateTimeField("Согласие на обработку персональных данных")
    personal_data_consent_version = models.PositiveIntegerField()
    pep_agreement_at = models.DateTimeField("Соглашение о ПЭП принято", null=True, blank=True)
    pep_agreement_version = models.PositiveIntegerField(null=True, blank=True)
    pending_email = models.EmailField("Новый email (ожидает подтверждения)", blank=True)

    class Meta:
        verbose_name = "профиль заявителя"
        verbose_name_plural = "профили заявителей"
        constraints = [
            models.CheckConstraint(
                name="profile_identifiers_match_legal_form",
                condition=(
                    Q(legal_form="fl") & ~Q(snils="")
                    | Q(legal_form="ip") & Q(inn__regex=r"^\d{12}$") & Q(ogrn__regex=r"^\d{15}$")
                    | Q(legal_form="ul")
                    & Q(inn__regex=r"^\d{10}$")
                    & Q(ogrn__regex=r"^\d{13}$")
                    & ~Q(kpp="")
                    & ~Q(organization_name="")
                ),
            )
        ]

    def __str__(self):
        return f"{self.get_legal_form_display()} {self.user.full_name}"

    @property
    def identifiers_line(self) -> str:
        """As the manual shows it: «Физическое лицо - СНИЛС: 049-114-804-49»."""
        label = self.get_legal_form_display()
        if self.legal_form == LegalForm.INDIVIDUAL:
            return f"{label} - СНИЛС: {self.snils}"
        if self.legal_form == LegalForm.ENTREPRENEUR:
            return f"{label} - ИНН: {self.inn} ОГРНИП: {self.ogrn}"
        return (
            f"{label} - {self.organization_name} - "
            f"ИНН: {self.inn} ОГРН: {self.ogrn} КПП: {self.kpp}"
        )
