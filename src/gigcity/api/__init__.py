"""The HTTP API (FastAPI): thin routers that parse, authorise, call services and shape replies.

The application that mounts these routers and the pages is assembled in `gigcity.app`.
"""
