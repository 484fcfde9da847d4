"""The URL names of a views module, read from the resolver, for the access-matrix checks."""

from django.urls import URLPattern, URLResolver, get_resolver


def _patterns(resolver: URLResolver, namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry.callback


def url_names_of(*views_modules: str) -> set[str]:
    """Namespaced names of every URL whose view is defined in one of the modules (or packages)."""
    names = {
        name
        for name, view in _patterns(get_resolver())
        if any(
            view.__module__ == module or view.__module__.startswith(module + ".")
            for module in views_modules
        )
    }
    assert names, f"no URL leads to a view of {', '.join(views_modules)}"
    return names
