"""The QR code printed on a document: its verification address, drawn as inline SVG."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str) -> SafeString:
    """An inline SVG QR code of ``text``, one module per millimetre (size it with CSS)."""
    # Level M survives a fold or a stain on paper (15 % of the code) and keeps the code small.
    code = segno.make(text, error="m", micro=False)
    # segno writes only its own path data and the text's modules: nothing of ``text`` as markup.
    return mark_safe(code.svg_inline(scale=1, border=0, unit="mm", dark="#000"))  # noqa: S308
