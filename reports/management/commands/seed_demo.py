from django.core.management.base import BaseCommand

from awards import demo as awards_demo
from blocs import demo as blocs_demo
from blocs.services.notifications import without_mail
from campaigns.demo import pledges as pledges_demo
from campaigns.demo import review as review_demo
from campaigns.demo import scoring as scoring_demo
from campaigns.demo import scoring_scale
from reports import demo as reports_demo
from reports.dossiers import demo as dossiers_demo


class Command(BaseCommand):
    help = "Create the demo council, blocs, years and users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="also create N more blocs of 12 agencies with full data",
        )

    def handle(self, *args, scale=0, **options):
        # The demo's events fill the inboxes, but the demo users' addresses get no mail.
        with without_mail():
            objects = blocs_demo.seed()
            for app_seed in self.app_seeds():
                app_seed(objects)
            if scale:
                blocs = blocs_demo.seed_scale(objects, scale)
                for app_scale in self.app_scales():
                    app_scale(objects, blocs)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Log in as bantdkt, bnctu.truong, bqt.truong, ubkttu.truong, "
                f"ubkttu.canbo or khach with the password {blocs_demo.DEMO_PASSWORD}."
            )
        )

    def app_seeds(self):
        """Each app's demo data, lowest app first (blocs → campaigns → awards → reports)."""
        return [
            pledges_demo.seed,
            scoring_demo.seed,
            review_demo.seed,
            awards_demo.seed,
            reports_demo.seed,
            dossiers_demo.seed,
        ]

    def app_scales(self):
        # The scoring demo's benchmark cards are written reviewed (``review_demo.scale_layers``).
        return [pledges_demo.seed_scale, scoring_scale.seed_scale]
