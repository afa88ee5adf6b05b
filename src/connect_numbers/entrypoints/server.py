"""Build the application from settings, and run it under uvicorn."""

from __future__ import annotations

import gc
import ipaddress
import logging
import os
import time
from dataclasses import dataclass, fields
from typing import Any

import sqlalchemy as sa
import uvicorn

from .. import __version__
from ..domain.inventory import SyntheticInventory
from ..protocol.model import connect_model
from ..service.context import Services, retried
from ..service.credentials import KeyRing
from ..store.engine import DEFAULT_CONNECT_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT, default_database_url
from ..store.unit_of_work import SqlUnitOfWorkFactory
from .admin import AdminApi
from .asgi import ConnectNumbersApp
from .faults import FaultStep
from .logs import configure as configure_logging
from .logs import log_config
from .maintenance import Maintenance
from .metrics import Metrics
from .metrics_files import metrics_directory
from .pipeline import Pipeline
from .shared_state import SharedState
from .startup import StartupError, check_port_free, check_port_range, open_database, shown_url
from .throttling import Throttle

__all__ = [
    "ServerSettings",
    "StartupError",
    "app_from_environment",
    "build_app",
    "freeze_startup_objects",
    "serve",
]

_ENV_PREFIX = "CONNECT_NUMBERS_"
log = logging.getLogger("connect_numbers")


@dataclass(frozen=True, slots=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 4590
    db: str = ""
    admin_token: str | None = None
    synchronous: str = "NORMAL"
    log_level: str = "info"
    workers: int = 1
    log_format: str = "text"
    db_connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    db_statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT
    maintenance_interval: float = 60.0

    @property
    def database_url(self) -> str:
        return self.db or default_database_url()

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    def check(self) -> None:
        check_port_range(self.port, self.workers)
        for name in ("db_connect_timeout", "db_statement_timeout"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and 0 < value < 86_400):
                option = "--" + name.replace("_", "-")
                raise StartupError(
                    f"{option} must be a number of seconds above 0 (and below a day), not {value!r}"
                )
        if not 0 <= self.maintenance_interval <= 86_400:
            raise StartupError(
                "--maintenance-interval must be 0 (no background maintenance) or a number "
                f"of seconds up to a day, not {self.maintenance_interval!r}"
            )
        if not self.loopback and not self.admin_token:
            raise StartupError(
                f"Refusing to listen on {self.host} without an admin token: anyone who can "
                "reach the server could reset it. Set --admin-token (or "
                "CONNECT_NUMBERS_ADMIN_TOKEN), or listen on 127.0.0.1."
            )

    def to_environment(self) -> dict[str, str]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["db"] = self.database_url
        return {_ENV_PREFIX + k.upper(): str(v) for k, v in values.items() if v is not None}

    @classmethod
    def from_environment(cls) -> ServerSettings:
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = os.environ.get(_ENV_PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _typed(f.name, raw)
        return cls(**values)


def _typed(name: str, raw: str) -> Any:
    if name in ("port", "workers"):
        return int(raw)
    if name.endswith(("_timeout", "_interval")):
        return float(raw)
    return raw


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def build_app(settings: ServerSettings) -> ConnectNumbersApp:
    """The ASGI app on a migrated database."""
    settings.check()
    engine = _open_database(settings)
    uow = SqlUnitOfWorkFactory(engine)
    countries = connect_model().shape_for("PhoneNumberCountryCode").enum
    services = Services(uow=uow, inventory=SyntheticInventory(countries), wall=time.time)

    def load_key(access_key_id: str) -> Any:
        with uow(write=False) as unit:
            return unit.access_keys.get(access_key_id)

    keys = KeyRing(lambda key: retried(lambda: load_key(key)), allow_local_key=settings.loopback)
    metrics = Metrics(services)
    pipeline = Pipeline(
        services,
        keys,
        Throttle.shared(services),
        shared=SharedState(services, on_change=keys.forget),
        faults=FaultStep(services, metrics),
        metrics=metrics,
    )
    admin = AdminApi(services, settings.admin_token, keys=keys, metrics=metrics)
    maintenance = Maintenance(services, settings.maintenance_interval)
    return ConnectNumbersApp(pipeline, admin, maintenance)


def _open_database(settings: ServerSettings) -> sa.Engine:
    return open_database(
        settings.database_url,
        synchronous=settings.synchronous,
        connect_timeout=settings.db_connect_timeout,
        statement_timeout=settings.db_statement_timeout,
    )


def app_from_environment() -> ConnectNumbersApp:
    """The app for a uvicorn worker process, from CONNECT_NUMBERS_* variables.

    ``serve`` checked the settings and the database before it started the workers, so a
    worker that cannot open the database meets a passing outage (a PostgreSQL restart,
    or a worker started again by uvicorn at that moment): it tries again, one warning
    line a try, for ``WORKER_PATIENCE_CONNECT_TIMEOUTS`` connect timeouts (at least 10
    seconds), then ends with one error line rather than a traceback.
    """
    settings = ServerSettings.from_environment()
    patience = max(10.0, WORKER_PATIENCE_CONNECT_TIMEOUTS * settings.db_connect_timeout)
    deadline = time.monotonic() + patience
    while True:
        try:
            app = build_app(settings)
        except StartupError as error:
            if time.monotonic() >= deadline:
                log.error("worker %d cannot start: %s", os.getpid(), error)
                raise SystemExit(3) from None
            log.warning("worker %d cannot start yet, trying again: %s", os.getpid(), error)
            time.sleep(1.0)
            continue
        freeze_startup_objects()
        return app


WORKER_PATIENCE_CONNECT_TIMEOUTS = 6


def freeze_startup_objects() -> None:
    """Leave what startup built (the botocore model, compiled statements, the synthetic
    inventory's tables: some 160,000 objects) out of every later garbage collection.

    A full collection walks every tracked object; over these it took tens of
    milliseconds, a stall of every request in flight that showed in the latency tail.
    """
    gc.collect()
    gc.freeze()


def serve(settings: ServerSettings) -> None:
    """Run the server in the foreground until interrupted.

    Every mistake in the settings, the port or the database raises StartupError
    before anything is served (and, for the port, before the database is touched).
    """
    configure_logging(settings.log_level, settings.log_format)
    settings.check()
    check_port_free(settings.host, settings.port)
    common: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "log_config": log_config(settings.log_level, settings.log_format),
        "access_log": False,
        "lifespan": "on",
        "server_header": False,
    }
    if settings.workers > 1:
        _open_database(settings).dispose()
        os.environ.update(settings.to_environment())
        _log_serving(settings)
        with metrics_directory():  # the workers' metrics files, emptied at start
            uvicorn.run(
                "connect_numbers.entrypoints.server:app_from_environment",
                factory=True,
                workers=settings.workers,
                **common,
            )
    else:
        app = build_app(settings)
        freeze_startup_objects()
        _log_serving(settings)
        with metrics_directory(only_if_set=True):  # a set directory is emptied all the same
            uvicorn.run(app, **common)


def _log_serving(settings: ServerSettings) -> None:
    log.info(
        "connect-numbers %s serving http://%s:%d with database %s",
        __version__,
        f"[{settings.host}]" if ":" in settings.host else settings.host,
        settings.port,
        shown_url(settings.database_url),
    )
