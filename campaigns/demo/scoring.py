def seed(objects: dict) -> None:
    """Create this part's demo data (idempotent)."""


def seed_scale(objects: dict, blocs: list) -> None:
    """Fill the extra benchmark blocs with this part's data."""
