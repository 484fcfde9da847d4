FROM python:3.11-slim-bookworm

# WeasyPrint needs Pango and HarfBuzz; fonts are vendored in static/fonts (Tinos).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=khoithidua.settings \
    STATIC_ROOT=/app/var/staticfiles MEDIA_ROOT=/app/var/media
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# var/signing belongs to the app user, and so does a named volume mounted there (compose).
RUN DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --noinput -v0 \
    && useradd --create-home app && mkdir -p var/media var/signing && chown -R app var
USER app
EXPOSE 8000
CMD ["gunicorn", "khoithidua.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
