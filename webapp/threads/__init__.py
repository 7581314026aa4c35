"""Message threads: one private conversation per request and helper, which the area's
coordinators can read (watching over, as a Family Support Center does), every read logged."""
