"""Celery tasks of the campaigns app: thin wrappers that take ids and call one service."""
