"""Answering: the offline extractive answerer, the LLM agent with tools, and
the guardrails every answer passes (``Engine``, ``get_engine``, ``answer``)."""

from .engine import Engine, answer, get_engine

__all__ = ["Engine", "answer", "get_engine"]
