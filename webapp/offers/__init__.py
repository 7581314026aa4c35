"""Offers (できること): what a member can do for neighbours, for others to browse and ask."""
