from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Period
from campaigns.selectors import load_period
from campaigns.services.exports import render_export


class Command(BaseCommand):
    help = (
        "Export the ranking of a bloc's period as JSON, CSV or XLSX: "
        'JSON {"bloc", "year", "period", "rows": [{"rank", "agency", "agency_abbr", "base", '
        '"bonus", "penalty", "total", "classification", "tie_break"}]}, points as decimal strings.'
    )

    def add_arguments(self, parser):
        parser.add_argument("bloc_code")
        parser.add_argument("year", type=int)
        parser.add_argument("period", choices=[k.value for k in Period.Kind])
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("--output", "-o", help="write to FILE instead of standard output")

    def handle(self, *args, bloc_code, year, period, format, output, **options):
        try:
            found = Period.objects.select_related("term__bloc").get(
                term__bloc__code=bloc_code, term__year=year, kind=period
            )
        except Period.DoesNotExist:
            raise CommandError(f"No {period} period for bloc {bloc_code!r} in {year}.") from None
        data = load_period(found)
        content = render_export(data, format)
        if output:
            with open(output, "wb") as fh:
                fh.write(content)
            self.stderr.write(output)
        elif format == "xlsx":
            raise CommandError("XLSX needs --output FILE.")
        else:
            self.stdout.write(content.decode("utf-8"), ending="")
