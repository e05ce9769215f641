#!/bin/sh
# Container start-up: bring the schema and static files up to date, then hand over to gunicorn.
set -eu
cd /app
python manage.py migrate --noinput
# The shipped outcome measures (questionnaires), updated by code; a clinic's own stay.
python manage.py load_measures
python manage.py collectstatic --noinput
exec gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers 3 --access-logfile -
