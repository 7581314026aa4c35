"""Login cards: a printed card with a single-use sign-in link (QR code) and a short code,
for residents who do not manage passwords."""
