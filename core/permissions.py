"""Who may do what in a grid company's portal: the one place these questions are
answered (services check them; views and the API only ask)."""


def is_company_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_company_staff)


def is_company_admin(user) -> bool:
    """Company administrators («Администратор ЛК») manage texts, settings, catalogues
    and staff; other staff process cases."""
    return is_company_staff(user) and user.is_company_admin


def is_applicant(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_applicant)
