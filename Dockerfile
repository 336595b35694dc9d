# The ChainKG app image (docker-compose.yml runs it beside neo4j:5.26-community).
FROM python:3.11-slim
WORKDIR /srv/chainkg
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY extraction ./extraction
COPY loaders ./loaders
COPY queries ./queries
COPY app ./app
COPY data ./data
RUN pip install --no-cache-dir .
EXPOSE 8501
CMD ["chainkg", "app", "--port", "8501", "--address", "0.0.0.0"]
