from campaigns.admin import pledges, scoring  # noqa: F401
