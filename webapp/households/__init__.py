"""Households (世帯): the adults and children who live together, and the people's accounts."""
