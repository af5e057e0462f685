# syntax=docker/dockerfile:1
# gigcity's runtime image: the platform and its engine on Python 3.11, the PostgreSQL driver
# and the S3 client (photos in a bucket: docs/storage.md) included, no browser (Chromium is
# for the test suite only). Two stages: the build stage installs gigcity into a virtual
# environment, the runtime stage copies only that and runs it as an unprivileged user.

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/gigcity
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/gigcity/bin/pip install ".[postgres,s3]"

FROM python:3.11-slim-bookworm AS runtime
# Cairo and CJK fonts draw the estates' gate posters as PDF (cairosvg).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcairo2 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 gigcity \
    && useradd --system --uid 10001 --gid gigcity --home-dir /var/lib/gigcity --create-home gigcity
COPY --from=build /opt/gigcity /opt/gigcity
ENV PATH=/opt/gigcity/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GIGCITY_DATA_DIR=/var/lib/gigcity
USER 10001:10001
WORKDIR /var/lib/gigcity
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/district', timeout=4)"]
# The database is upgraded by `gigcity db upgrade` (the compose file's `migrate` service)
# before the API starts; production needs GIGCITY_SECRET_KEY and GIGCITY_DATABASE_URL.
CMD ["gigcity", "serve", "--host", "0.0.0.0", "--port", "8000"]
