"""``POST /api/feedback`` (rate an answer by its id) and ``GET /metrics`` (Prometheus)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from regchat.channels.api import ApiError
from regchat.feedback import MAX_COMMENT_CHARS, Correction, FeedbackError, FeedbackStore, UnknownAnswer
from regchat.metrics import CONTENT_TYPE, Metrics


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"answer_id": "3f2a...", "rating": "down", "comment": "The date is wrong",
                                         "correction": {"gold_citations": [{"doc": "cn-exit-entry-law",
                                                                            "article": 32}]}}]},
    )

    answer_id: str = Field(min_length=1, max_length=64, description="The `id` of the answer (`regchat.id` in an "
                                                                     "OpenAI-compatible response)")
    rating: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=MAX_COMMENT_CHARS)
    correction: Correction | None = Field(default=None, description="What the answer should have been")
    user: str | None = Field(default=None, max_length=200, description="Who rates (your own user id), optional")


class FeedbackReceipt(BaseModel):
    id: int
    answer_id: str
    rating: Literal["up", "down"]


def build_router(feedback: FeedbackStore, metrics: Metrics) -> APIRouter:
    router = APIRouter()

    @router.post("/api/feedback", tags=["regchat"], response_model=FeedbackReceipt,
                 summary="Rate an answer (thumbs up or down), with an optional comment or correction",
                 responses={404: {"description": "No answer with this id is kept"}})
    def give_feedback(request: FeedbackRequest) -> FeedbackReceipt:
        try:
            stored = feedback.rate(request.answer_id, request.rating, comment=request.comment,
                                   correction=request.correction, channel="api", user=request.user)
        except UnknownAnswer as exc:
            raise ApiError(404, str(exc), param="answer_id", code="unknown_answer") from exc
        except FeedbackError as exc:
            raise ApiError(422, str(exc), code="invalid_feedback") from exc
        return FeedbackReceipt(id=stored.id, answer_id=stored.answer.id, rating=stored.rating)

    @router.get("/metrics", include_in_schema=False)
    def scrape() -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE)

    return router
