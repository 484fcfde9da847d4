from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Văn bản")

    def ready(self):
        # The kinds of notification this app sends are registered once the apps are loaded.
        from reports import notices  # noqa: F401
