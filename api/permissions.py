"""Who may call an endpoint at all; which objects they may touch is the services'
and selectors' business (someone else's case is a 404 there)."""

from rest_framework.permissions import BasePermission

from core.permissions import is_applicant, is_company_admin, is_company_staff


class IsApplicant(BasePermission):
    message = "Доступно только заявителю."

    def has_permission(self, request, view):
        return is_applicant(request.user)


class IsCompanyStaff(BasePermission):
    message = "Доступно только сотрудникам сетевой организации."

    def has_permission(self, request, view):
        return is_company_staff(request.user)


class IsCompanyAdmin(BasePermission):
    message = "Доступно только администратору личного кабинета."

    def has_permission(self, request, view):
        return is_company_admin(request.user)


class IsPortalUser(BasePermission):
    """An active applicant or staff member of this grid company."""

    message = "Недостаточно прав для этого действия."

    def has_permission(self, request, view):
        return is_applicant(request.user) or is_company_staff(request.user)
