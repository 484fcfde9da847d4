from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Phong trào và chấm điểm")

    def ready(self):
        # The kinds of notification this app sends are registered once the apps are loaded.
        from campaigns import notices  # noqa: F401
