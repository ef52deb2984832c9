"""Coaching: plans with goals and refresher modules judged before and after, the team rule that
proposes them, kudos and the monthly recognition report, and what each training module
changed."""
