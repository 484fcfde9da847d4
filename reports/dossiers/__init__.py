"""The award dossier a bloc sends to the board: its parts, its moves, the decision, the zip.

The dossier's rows live in ``awards.models.dossiers`` and its pure rules in
``awards.dossier_rules``; what needs the year's documents (the parts, completeness, the zip) and
the writes that depend on them live here, above both.
"""
