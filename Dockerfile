# The image docker-compose.yml runs for web, worker and beat.
FROM python:3.11-slim AS assets
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# chart.umd.js.map must sit beside chart.umd.js: the manifest storage follows its sourceMappingURL.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && mkdir -p static/vendor \
 && cp node_modules/htmx.org/dist/htmx.min.js node_modules/chart.js/dist/chart.umd.js \
    node_modules/chart.js/dist/chart.umd.js.map static/vendor/

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir -r requirements/base.txt
COPY . .
COPY --from=assets /app/static/vendor static/vendor
RUN useradd --create-home app && mkdir -p /data && chown app /data
USER app
EXPOSE 8000
# docker-compose.yml sets each service's command; run alone, the image serves the web app.
CMD ["gunicorn", "matchmaker.wsgi:application", "-c", "matchmaker/gunicorn_conf.py"]
