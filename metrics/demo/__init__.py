"""A generated demo organisation, so a new install shows a working product before any import.

`generate_demo` writes a small contact centre for the policy's organisation: three teams with a
supervisor each, an owner, and agents with multilingual names; months of phone, chat, e-mail and
social contacts shaped by the policy's business hours and answer standards (daily peaks, a busy
Monday, quiet weekends, abandoned calls, reopened cases); and customer ratings with comments in
English, Croatian, Latvian, Hebrew and Turkish. Agents differ in skill and a few improve clearly
over the period, so the dashboard and coaching pages have something true to show. Given the
training modules, the agents also have a training history played through the real engine:
attempts with every answer, retakes, certificates and policy signatures, a few still in progress
or not started.

The data is deterministic: the same seed, size and last day give the same rows, so demos,
screenshots and tests are repeatable. Every row carries `is_demo = true`, and `remove_demo`
deletes those rows without touching imported data.

The room holds one file per domain: `people` (staff and skill), `calendar`, `contacts`, `training`,
and `generate`, which writes and removes them all together.
"""
