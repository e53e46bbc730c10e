"""Writes on the grid company's domain: functions that take the acting user, check
who may do what in which state, change data in one transaction and queue side
effects on commit. The portal, the console and the API all call these."""

from .company import seed_company_defaults

__all__ = ["seed_company_defaults"]
