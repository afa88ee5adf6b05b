"""Domain errors become modeled AWS errors here, and only here."""

from __future__ import annotations

from botocore.model import OperationModel

from ..domain import errors as domain
from ..protocol.errors import AwsError
from ..protocol.parser import validation_error_code

__all__ = ["to_aws_error"]


def to_aws_error(error: domain.DomainError, op: OperationModel) -> AwsError:
    """The modeled error an operation answers for a domain error."""
    if isinstance(error, domain.ResourceInUse):
        return AwsError(
            "ResourceInUseException",
            error.message,
            ResourceType=error.resource_type,
            ResourceId=error.resource_id,
        )
    if isinstance(error, domain.InvalidContactFlow) and _models(op, "InvalidContactFlowException"):
        problems = [{"message": problem} for problem in error.problems]
        return AwsError("InvalidContactFlowException", error.message, problems=problems)
    if isinstance(error, domain.InvalidParameter | domain.InvalidRequest):
        return AwsError(_invalid_code(error, op), error.message)
    code = next(_CODES[kind] for kind in type(error).__mro__ if kind in _CODES)
    if isinstance(error, domain.NotFound) and not _models(op, code):
        code = validation_error_code(op)  # e.g. Search models no ResourceNotFoundException
    return AwsError(code, error.message)


def _models(op: OperationModel, code: str) -> bool:
    return any(shape.name == code for shape in op.error_shapes)


_CODES: dict[type[domain.DomainError], str] = {
    domain.NotFound: "ResourceNotFoundException",
    domain.IdempotencyMismatch: "IdempotencyException",
    domain.Conflict: "ResourceConflictException",
    domain.NotReady: "ResourceNotReadyException",
    domain.Duplicate: "DuplicateResourceException",
    domain.FlowNotPublished: "ContactFlowNotPublishedException",
    domain.QuotaExceeded: "ServiceQuotaExceededException",
    domain.AccessDenied: "AccessDeniedException",
    domain.Throttled: "ThrottlingException",
    domain.DomainError: "InvalidRequestException",
}


def _invalid_code(error: domain.DomainError, op: OperationModel) -> str:
    preferred = (
        "InvalidRequestException"
        if isinstance(error, domain.InvalidRequest)
        else "InvalidParameterException"
    )
    if _models(op, preferred):
        return preferred
    return validation_error_code(op)
