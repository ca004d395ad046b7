# SafetyOps production image: gunicorn serving the app, or `safetyops scheduler`
# (compose.yaml runs both from this image). Slim Python, non-root, WeasyPrint's libraries.
FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
# A wheel carries the templates, static files, migrations and compiled catalogs.
RUN pip wheel --no-cache-dir --wheel-dir /wheels '.[postgresql,server]'

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SAFETYOPS_ENV=production \
    SAFETYOPS_BIND=0.0.0.0:8000 \
    SAFETYOPS_INSTANCE_PATH=/data
# Pango and fonts for WeasyPrint (PDF reports); the PostgreSQL client for backup/restore.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
      postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 safetyops \
 && mkdir /data && chown safetyops /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY gunicorn.conf.py /etc/safetyops/gunicorn.conf.py
USER safetyops
WORKDIR /home/safetyops
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"
CMD ["gunicorn", "-c", "/etc/safetyops/gunicorn.conf.py"]
