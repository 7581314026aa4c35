"""Areas (地域): the communities Otagai runs in, their settings and who holds which role there."""
