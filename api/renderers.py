"""The browsable API, kept within the site's Content-Security-Policy."""

from django.urls import Resolver404, resolve
from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """Django REST framework's browsable page without its inline ``<style>`` of code colours
    (added whenever Pygments is installed), which the site's policy refuses, and without the
    addresses that name nothing in its breadcrumbs."""

    def get_context(self, *args, **kwargs):
        context = super().get_context(*args, **kwargs)
        context["code_style"] = None
        return context

    def get_breadcrumbs(self, request):
        crumbs = []
        for name, url in super().get_breadcrumbs(request):
            try:
                match = resolve(url)
            except Resolver404:
                continue
            if match.url_name != "not_found":
                crumbs.append((name, url))
        return crumbs
