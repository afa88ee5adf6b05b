"""The Amazon Connect service model, loaded from botocore.

Every route, member, constraint, error code and HTTP status the server uses
comes from this model; nothing is typed by hand.
"""

from __future__ import annotations

from functools import cache

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel, Shape

SERVICE_NAME = "connect"

__all__ = ["SERVICE_NAME", "connect_model", "error_shape", "known_regions", "operation"]


@cache
def connect_model() -> ServiceModel:
    """The Connect service model shipped with the installed botocore."""
    loader = Loader()
    data = loader.load_service_model(SERVICE_NAME, "service-2")
    return ServiceModel(data, service_name=SERVICE_NAME)


def operation(name: str) -> OperationModel:
    """The model of one operation, by its name (``ReleasePhoneNumber``)."""
    return connect_model().operation_model(name)


@cache
def _error_shapes() -> dict[str, Shape]:
    model = connect_model()
    return {
        name: model.shape_for(name)
        for name in model.shape_names
        if model.shape_for(name).metadata.get("exception")
    }


def error_shape(code: str) -> Shape:
    """The modeled error shape named ``code``; KeyError if the model has none."""
    return _error_shapes()[code]


@cache
def known_regions() -> frozenset[str]:
    """Every region botocore's endpoint data names for the ``aws`` partitions."""
    loader = Loader()
    data = loader.load_data("endpoints")
    regions: set[str] = set()
    for partition in data["partitions"]:
        regions.update(partition["regions"])
    return frozenset(regions)
