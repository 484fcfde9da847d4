from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports import signing


class Command(BaseCommand):
    help = (
        "Show the certificate every generated PDF is signed with; with --generate, make the "
        "self-signed one first if no certificate is configured and none was made yet."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--generate",
            action="store_true",
            help="make the self-signed pair under DOCUMENT_SIGNING_DIR if it is missing",
        )
        parser.add_argument(
            "--pem",
            action="store_true",
            help="print the certificate in PEM only, e.g. to add it to a PDF reader's trusted list",
        )

    def handle(self, *args, generate=False, pem=False, **options):
        try:
            used = signing.signing_certificate(generate=generate)
        except FileNotFoundError as missing:
            raise CommandError(
                f"No certificate yet: {missing}. The first signed document makes the self-signed "
                "one, or run this command with --generate; set DOCUMENT_SIGNING_CERT and "
                "DOCUMENT_SIGNING_KEY to sign with your own."
            ) from None
        if pem:
            self.stdout.write(used.pem, ending="")
            return
        now = timezone.now()
        lines = [
            ("Certificate", str(used.cert_path)),
            ("Private key", str(used.key_path)),
            ("Source", "self-signed (demo)" if used.self_signed else "configured"),
            ("Subject", used.subject),
            ("Issuer", used.issuer),
            ("SHA-256", used.fingerprint),
            ("Valid from", used.not_valid_before.isoformat()),
            ("Valid until", used.not_valid_after.isoformat()),
            ("Chain", f"{len(used.chain)} more certificate(s)"),
        ]
        width = max(len(label) for label, _value in lines)
        for label, value in lines:
            self.stdout.write(f"{label:<{width}}  {value}")
        if used.not_valid_after < now:
            self.stderr.write(self.style.ERROR("The certificate has expired."))
        elif used.not_valid_before > now:
            self.stderr.write(self.style.ERROR("The certificate is not valid yet."))
