# ifn-bot for operators: one image for the web, worker and release processes
# (compose.yaml, mirroring the Procfile). Installs exactly the pinned, hash-checked
# packages of requirements/runtime.txt with the same script CI and developers run.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin ifn
WORKDIR /app
COPY --chown=ifn:ifn . /app
USER ifn
RUN IFN_LOCK=requirements/runtime.txt bash scripts/setup.sh

ENV PATH=/app/.venv/bin:$PATH \
    PORT=3000 \
    IFN_LOG_FORMAT=json
EXPOSE 3000
ENTRYPOINT ["ifn-bot"]
# The web process; the port comes from PORT. compose.yaml runs the worker and the release step.
CMD ["run", "--no-scheduler"]
