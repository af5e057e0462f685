"""Organisation and volunteers (issue 20): organisations along the business chain, the
sub-districts' check-in points, members' registration (sensitive: every read logged) and
stations' 1+1+N rosters and plans.

Modules: `schemas` (the API's models), `service` (organisations, check-in points,
memberships, station teams and plans on the database), `theme_days` (the 17th of each
month as an event, moved off holidays; pure) and `certificate` (a volunteer's certificate
of hours; pure).
"""
