"""The raw customer contacts and their upkeep: importing files in their formats, case sizes and
the daily rollups that every writer of contacts keeps exact in its own transaction."""
