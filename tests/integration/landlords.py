"""The receiving landlord the transfer tests use (a member of the Kent reciprocal agreement)."""

LANDLORD = "landlord_moat_homes"
