"""Campaigns, pledges, commitments, title registrations and signatures."""
