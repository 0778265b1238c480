# One image for every Parley process; docker-compose.yml picks the command.
FROM python:3.10-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TF_CPP_MIN_LOG_LEVEL=2

WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.lock
COPY bot ./bot
COPY channels ./channels
COPY actions ./actions
COPY data ./data
RUN pip install --no-cache-dir --no-deps -e . \
    && python -m bot.cli train

EXPOSE 5005 5055 8000
CMD ["python", "-m", "bot.cli", "serve", "rasa"]
