"""When a contact nobody has answered is *waiting* rather than missed.

Abandoned means the customer gave up: a call or chat that ended unanswered. A ticket with no
reply yet (a Zendesk or Freshdesk ticket, or a generic e-mail or social contact with no
`answered_at`) is not abandoned: it is waiting, and an import stores the moment it was last
seen so (`interactions.seen_unanswered_at`: the latest time in the export that brought it).
It counts against the service level only once its channel's standard had passed by then
without a reply; until then it is left out of the service level and counted as waiting. The
judgement needs the policy's standard, so it is made when reading (metrics/performance), from
this one definition over the contacts or over their rollup `contact_unanswered`.
"""

# How long an unanswered, unabandoned contact had waited when last seen so, in seconds; NULL
# for every other contact (`i` is the interaction). It is waiting while this is at most its
# channel's answer standard (a wait equal to the standard is within it), and a miss after.
UNANSWERED_S = (
    "CASE WHEN i.answered_at IS NULL AND NOT i.abandoned"
    " THEN epoch(i.seen_unanswered_at) - epoch(i.queued_at) END"
)
