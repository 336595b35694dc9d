# The ChainKG image: app + CLI + bundled data (demo set, chain library, region table, models).
# docker-compose.yml runs it beside neo4j:5.26-community: once as `init` (schema, demo load, extraction),
# then as `app`. Build: docker build -t chainkg .
FROM python:3.11-slim

# A CJK font so Chinese labels in charts and exported PNGs render (not boxes).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-wqy-microhei fontconfig \
 && rm -rf /var/lib/apt/lists/* \
 && fc-cache -f

# Runtime dependencies from the lock (hash-checked) first: this layer survives code changes.
WORKDIR /src
COPY requirements/runtime.lock requirements/runtime.lock
RUN pip install --no-cache-dir --require-hashes -r requirements/runtime.lock

# The package itself, non-editable; data/ and models/ land in /usr/local/share/chainkg.
COPY . /src
RUN pip install --no-cache-dir --no-deps /src && rm -rf /src/build

# Never root at run time.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin chainkg
USER chainkg
WORKDIR /home/chainkg
ENV CHAINKG_HOME=/home/chainkg/.local/share/chainkg \
    MPLCONFIGDIR=/home/chainkg/.cache/matplotlib \
    PYTHONUNBUFFERED=1

EXPOSE 8501
# Streamlit's own health endpoint: answers once the server is up.
HEALTHCHECK --interval=15s --timeout=5s --start-period=40s --retries=5 \
  CMD ["python", "-c", "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"]
CMD ["chainkg", "app", "--port", "8501", "--address", "0.0.0.0", "--headless"]
