"""Registration: self sign-up on one's own phone (a wizard with server-side drafts), the help
desk where supporters register residents, and paper forms keyed in later."""
