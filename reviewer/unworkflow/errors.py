"""Errors of the UN workflow; each has a stable ``code`` and a message a coordinator reads."""

from __future__ import annotations

from reviewer.errors import ReviewerError


class UnWorkflowError(ReviewerError):
    code = "unworkflow_error"


class CycleInvalid(UnWorkflowError):
    """A reporting period that cannot be right (end before start, deadline outside...)."""

    code = "cycle_invalid"


class FollowUpInvalid(UnWorkflowError):
    code = "follow_up_invalid"


class TransmissionInvalid(UnWorkflowError):
    """A transmission form value is missing or outside its vocabulary (names the field)."""

    code = "transmission_invalid"


class TransmissionRefused(UnWorkflowError):
    """The transmission gate refused; ``reasons`` holds one readable reason per rule."""

    code = "transmission_refused"

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class RecipientInvalid(UnWorkflowError):
    """A destination's recipient key is not a valid age X25519 recipient."""

    code = "recipient_invalid"
