"""HTTP helpers with no domain logic: htmx, authorization, errors, headers, forms."""
