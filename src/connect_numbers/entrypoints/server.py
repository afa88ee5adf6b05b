"""Build the application from settings, and run it under uvicorn."""

from __future__ import annotations

import gc
import ipaddress
import logging
import os
import time
from dataclasses import dataclass, fields
from typing import Any

import uvicorn

from .. import __version__
from ..domain.inventory import SyntheticInventory
from ..protocol.model import connect_model
from ..service.context import Services
from ..service.credentials import KeyRing
from ..store.engine import default_database_url
from ..store.unit_of_work import SqlUnitOfWorkFactory
from .admin import AdminApi
from .asgi import ConnectNumbersApp
from .faults import FaultStep
from .logs import configure as configure_logging
from .logs import log_config
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

    @property
    def database_url(self) -> str:
        return self.db or default_database_url()

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    def check(self) -> None:
        check_port_range(self.port, self.workers)
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
                values[f.name] = int(raw) if f.name in ("port", "workers") else raw
        return cls(**values)


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
    engine = open_database(settings.database_url, synchronous=settings.synchronous)
    uow = SqlUnitOfWorkFactory(engine)
    countries = connect_model().shape_for("PhoneNumberCountryCode").enum
    services = Services(uow=uow, inventory=SyntheticInventory(countries), wall=time.time)

    def load_key(access_key_id: str) -> Any:
        with uow(write=False) as unit:
            return unit.access_keys.get(access_key_id)

    keys = KeyRing(load_key, allow_local_key=settings.loopback)
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
    return ConnectNumbersApp(pipeline, admin)


def app_from_environment() -> ConnectNumbersApp:
    """The app for a uvicorn worker process, from CONNECT_NUMBERS_* variables."""
    app = build_app(ServerSettings.from_environment())
    freeze_startup_objects()
    return app


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
        open_database(settings.database_url, synchronous=settings.synchronous).dispose()
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
