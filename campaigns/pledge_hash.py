"""The canonical form of a pledge and its SHA-256: what a signer signs, byte for byte.

Pure: plain values in, plain values out, no ORM. The serialisation is JSON with sorted keys,
no insignificant whitespace, UTF-8 without escapes, every text NFC-normalised with its line
endings unified and its outer whitespace stripped, so the same visible text always gives the
same bytes whatever the browser or the database returned. ``FORMAT`` names this serialisation:
changing it would change every hash, so a change needs a new format name.
"""

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping

FORMAT = "khoithidua-pledge/1"


def normalise_text(value: str) -> str:
    """Return ``value`` in NFC with ``\\n`` line endings and no outer whitespace."""
    text = unicodedata.normalize("NFC", value or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def canonical_pledge(
    *,
    bloc_code: str,
    year: int,
    version: int,
    title: str,
    slogan: str,
    legal_bases: Iterable[str],
    commitments: Iterable[str],
    members: Iterable[Mapping],
) -> bytes:
    """Return the canonical bytes of a pledge; commitments and members keep their order.

    ``members`` are mappings with ``id``, ``name`` and ``abbreviation`` of each member agency.
    """
    payload = {
        "format": FORMAT,
        "bloc": normalise_text(bloc_code),
        "year": int(year),
        "version": int(version),
        "title": normalise_text(title),
        "slogan": normalise_text(slogan),
        "legal_bases": [normalise_text(b) for b in legal_bases if normalise_text(b)],
        "commitments": [normalise_text(c) for c in commitments],
        "members": [
            {
                "id": int(m["id"]),
                "name": normalise_text(m["name"]),
                "abbreviation": normalise_text(m["abbreviation"]),
            }
            for m in members
        ],
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def pledge_hash(**fields) -> str:
    """Return the hexadecimal SHA-256 of :func:`canonical_pledge` of ``fields``."""
    return hashlib.sha256(canonical_pledge(**fields)).hexdigest()
