FROM python:3.11-slim
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
ENV DATABASE_PATH=/data/mobilot.sqlite3
VOLUME ["/data"]
EXPOSE 8000
CMD ["uv", "run", "--frozen", "--no-dev", "python", "-m", "bot"]
