"""What both web adapters (`api` and `web`) read from a request: who is calling (`deps`:
the platform, the caller and who may call what) and in which language (`locale`)."""
