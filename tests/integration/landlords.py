"""The receiving landlord the transfer tests use (a member of the Kent reciprocal agreement)."""

LANDLORD = "kent_housing_providers"
