# Rehabit production image: the app under gunicorn, static files served by WhiteNoise.
# Built and run by docker-compose.yml next to a PostgreSQL 15 service.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# An unprivileged account to run the app; it owns only what the app writes at run time
# (its home holds gunicorn's control socket, ~/.gunicorn).
RUN groupadd --system --gid 10001 rehabit \
    && useradd --system --uid 10001 --gid rehabit --create-home \
        --home-dir /home/rehabit --shell /usr/sbin/nologin rehabit

# Pango and its fonts, for the discharge summary's PDF (WeasyPrint).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . /app
RUN pip install . \
    && python -m config.translations \
    && chmod 0755 /app/docker/entrypoint.sh \
    && mkdir -p /app/staticfiles /app/media \
    && chown rehabit:rehabit /app/staticfiles /app/media \
    && rm -rf /app/build /app/*.egg-info

USER rehabit
EXPOSE 8000

# migrate, collectstatic, then gunicorn (see docker/entrypoint.sh). Override the command for
# one-off tasks, e.g. `docker compose run --rm web python manage.py createsuperuser`.
CMD ["/app/docker/entrypoint.sh"]
