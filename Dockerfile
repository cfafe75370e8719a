# One image for every process of the case system: `python -m casework worker` and
# `python -m casework web` (the default). docker-compose.yml runs as many of each as load needs.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Copy the project, not the whole working tree: a developer's checkout holds .venv/ and data/
# (a SQLite event store and development key files), none of which may end up in an image.
COPY pyproject.toml ./
COPY aggregates ./aggregates
COPY activities ./activities
COPY application ./application
COPY temporal_contracts ./temporal_contracts
COPY workflows ./workflows
COPY gateways ./gateways
COPY web ./web
COPY casework ./casework
RUN pip install .

# Run as an unprivileged user with a fixed uid, so the key files handed in as secrets
# (bind-mounted with their host ownership) can be owned by 10001 and readable by nobody else.
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home casework \
    && mkdir -p /app/data \
    && chown casework:casework /app/data
USER 10001

EXPOSE 8000
CMD ["python", "-m", "casework", "web"]
