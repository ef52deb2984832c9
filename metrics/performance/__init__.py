"""Reading the contacts: the period and its scope, queue and agent metrics judged by the policy,
trends, one agent's contacts and comments, recognition, and the home pages' overviews."""
