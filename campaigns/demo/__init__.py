"""Demo data of the campaigns app, called by seed_demo after the blocs demo."""
