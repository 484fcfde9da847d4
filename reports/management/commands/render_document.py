import shutil
import time

from django.core.management.base import BaseCommand, CommandError

from blocs.models import BlocTerm
from reports import services
from reports.kinds import KINDS
from reports.models import Document


class Command(BaseCommand):
    help = "Render a document of a bloc-year through the same service as the web pages."

    def add_arguments(self, parser):
        parser.add_argument("bloc_code")
        parser.add_argument("year", type=int)
        parser.add_argument("kind", help="one of: " + ", ".join(sorted(KINDS)))
        parser.add_argument("--output", help="also copy the PDF to this path")
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="a parameter of the document kind, e.g. period=annual",
        )

    def handle(self, *args, bloc_code, year, kind, output=None, param=(), **options):
        if kind not in KINDS:
            raise CommandError(f"unknown kind {kind!r}; choose one of {', '.join(sorted(KINDS))}")
        term = BlocTerm.objects.filter(bloc__code=bloc_code, year=year).first()
        if term is None:
            raise CommandError(f"no term {bloc_code} {year}")
        params = dict(p.split("=", 1) for p in param)
        variants = KINDS[kind].variants
        if variants is not None:
            # A kind with several documents a year (one per meeting, per nominee): name one.
            offered = variants(term)
            chosen = [v for v, _label in offered if {k: str(x) for k, x in v.items()} == params]
            if not chosen:
                listed = "; ".join(
                    " ".join(f"--param {k}={x}" for k, x in v.items()) + f" ({label})"
                    for v, label in offered
                )
                raise CommandError(
                    f"{kind} needs one of: {listed}" if offered else f"{kind}: nothing to render"
                )
            params = chosen[0]
        # Render here, whatever the broker: the command waits for its file. A request already
        # in progress is joined; if a worker holds it, wait for the worker.
        document = services.request_document(term=term, kind=kind, params=params).document
        services.render_document(document.pk)
        deadline = time.monotonic() + 120
        document = Document.objects.get(pk=document.pk)
        while not document.is_finished and time.monotonic() < deadline:
            time.sleep(0.5)
            document = Document.objects.get(pk=document.pk)
        if document.status != Document.Status.READY:
            raise CommandError(f"rendering failed: {document.error}")
        if output:
            # Read through the storage: the file may be in a bucket, not on this machine.
            with document.file.open("rb") as source, open(output, "wb") as target:
                shutil.copyfileobj(source, target)
            self.stdout.write(output)
            return
        try:
            self.stdout.write(document.file.path)
        except NotImplementedError:
            # A storage without local paths (a bucket): its name there.
            self.stdout.write(document.file.name)
