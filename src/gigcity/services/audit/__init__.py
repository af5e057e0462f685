"""Algorithm audit: a platform's decision log checked against the rulebook in force, clause
by clause, with the evidence (see docs/audit.md).

Pure parts (no database): `logformat` (the published format), `logfile` (reading it),
`checks` (one check per clause, column-wise with Polars), `engine` (an audit end to end),
`report_model`, `catalog` (titles and evidence texts), `render` (HTML, PDF, CSV), `generate`
(logs from the simulator, with planted breaches). `service` keeps uploads and runs on the
database and the job queue.
"""
