"""How a customer's rating counts. Feedback holds ratings on two scales (`1-5`, and `good/bad`
stored as 1 and 0); CSAT pools them, so every query that counts good ratings uses this one
definition (`f` is the feedback row)."""

GOOD_RATING = "((f.scale = '1-5' AND f.rating >= 4) OR (f.scale = 'good/bad' AND f.rating = 1))"
