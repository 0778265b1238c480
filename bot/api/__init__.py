"""Parley's HTTP API and pages (FastAPI, served by uvicorn on port 8000)."""
