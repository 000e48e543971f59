# syntax=docker/dockerfile:1
# happytalk, CPU only, in two stages: the builder makes a wheel of every dependency (annoy is a
# source archive and needs a C++ compiler) and of happytalk; the runtime installs only those
# wheels, so the final image has no compiler. `docker compose up` (compose.yaml) runs it with
# PostgreSQL; alone: `docker run -e HAPPYTALK_TELEGRAM_TOKEN -v happytalk-data:/data happytalk`.
# scripts/check-docker-install runs both stages' pip steps on the host (CI does).

FROM python:3.11-slim AS builder
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# Debian's versions are fixed by the base image's release (and moved by its security updates)
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY config ./config
COPY handlers ./handlers
COPY ml ./ml
COPY music_index ./music_index
# builder: wheels (torch pinned to the CPU build in both steps: PyPI's newer torch is a CUDA build)
RUN pip wheel --wheel-dir /wheels "torch==2.13.0+cpu" --extra-index-url "$TORCH_INDEX_URL" \
    && pip wheel --wheel-dir /wheels --find-links /wheels -c constraints.txt "torch==2.13.0+cpu" ".[postgres]"

FROM python:3.11-slim AS runtime
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1 \
    HAPPYTALK_DATA_DIR=/data \
    HAPPYTALK_OPS_HOST=0.0.0.0 \
    HAPPYTALK_OPS_PORT=9100
RUN groupadd --gid 10001 happytalk \
    && useradd --create-home --uid 10001 --gid 10001 happytalk \
    && mkdir -p /data \
    && chown happytalk:happytalk /data
# runtime: install (the wheelhouse holds one version of each package: constraints.txt's pins)
# hadolint ignore=DL3013
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-index --only-binary :all: --find-links /wheels "happytalk[postgres]"

USER 10001:10001
WORKDIR /home/happytalk
VOLUME ["/data"]
EXPOSE 8443 8080 9100
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9100/healthz', timeout=4)"]
ENTRYPOINT ["happytalk"]
CMD ["run"]
