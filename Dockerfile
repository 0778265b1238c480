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

# The processes run unprivileged and own only what they write: the models, the training
# data and domain the console edits (compose's volumes start from these, owner included),
# and var/.
RUN useradd --system --create-home --uid 10001 parley \
    && mkdir -p /app/var/training \
    && chown -R parley:parley /app/models /app/data /app/bot/domain /app/var
USER parley

EXPOSE 5005 5055 8000
CMD ["python", "-m", "bot.cli", "serve", "rasa"]
