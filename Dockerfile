# happytalk: CPU-only image; `docker run -e HAPPYTALK_TELEGRAM_TOKEN=… -v happytalk-data:/data happytalk`
FROM python:3.11-slim

ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_NO_CACHE_DIR=1 \
    PYTHONUNBUFFERED=1 \
    HAPPYTALK_DATA_DIR=/data

RUN useradd --create-home --uid 10001 happytalk \
    && mkdir -p /data && chown happytalk:happytalk /data

WORKDIR /app
RUN pip install "torch==2.13.0" --index-url "$TORCH_INDEX_URL"
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY config ./config
COPY handlers ./handlers
COPY ml ./ml
COPY music_index ./music_index
RUN pip install -c constraints.txt .

USER happytalk
VOLUME ["/data"]
EXPOSE 8443 8080
ENTRYPOINT ["happytalk"]
CMD ["run"]
