"""Request helpers shared by the portal's and the console's views."""


def wants_json(request) -> bool:
    """The page's own scripts (progress-bar uploads, signing) ask for JSON answers;
    plain form posts get HTML."""
    return "application/json" in request.headers.get("Accept", "")
