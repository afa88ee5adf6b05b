"""The state the metrics report: numbers by status, and the churn budget."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.churn import churn_limit
from .context import Services, transaction

__all__ = ["ChurnGauge", "StateGauges", "state_gauges"]


@dataclass(frozen=True, slots=True)
class ChurnGauge:
    account_id: str
    region: str
    releases_in_window: int
    limit: float


@dataclass(frozen=True, slots=True)
class StateGauges:
    numbers: list[tuple[str, str, str, int]]  # account, region, status, count
    churn: list[ChurnGauge]


def state_gauges(services: Services) -> StateGauges:
    """Read now, at the service clock, with the limit the churn rule applies."""
    with transaction(services, write=False) as tx:
        numbers = tx.uow.gauges.numbers_by_status(tx.now)
        since = tx.now - tx.config.churn_window_seconds
        churn = [
            ChurnGauge(account, region, count, churn_limit(quota, tx.config.churn_percent))
            for account, region, quota, count in tx.uow.gauges.churn(since)
        ]
    return StateGauges(numbers, churn)
