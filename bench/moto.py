"""``--moto``: the same DescribeInstance load against moto's own server, in the same run.

moto (``moto[server]``, a bench-only dependency) implements CreateInstance and
DescribeInstance of Connect, so the comparison is one operation, one request table
signed the same way, one load generator (wrk, same connections and seconds).
``moto_server`` runs as shipped (its Werkzeug development server, threaded, on
127.0.0.1).
"""

from __future__ import annotations

from pathlib import Path

from .fixtures import Fixture, client
from .processes import ServerProcess, free_port, moto_argv
from .report import ScenarioResult, brief
from .scenarios import Settings, run_wrk_scenario

__all__ = ["run_moto_comparison"]

NAME = "describe_instance[moto]"


def run_moto_comparison(
    wrk: str | None, settings: Settings, logs: Path, ours: ScenarioResult | None
) -> ScenarioResult:
    """DescribeInstance on moto's server; notes how many times faster ``ours`` was."""
    port = free_port()
    moto = ServerProcess("moto", moto_argv(port), port, "/moto-api/", logs)
    try:
        moto.start()
        created = client(moto.url).create_instance(
            IdentityManagementType="CONNECT_MANAGED",
            InstanceAlias="bench",
            InboundCallsEnabled=True,
            OutboundCallsEnabled=True,
        )
        fixture = Fixture(instance_id=created["Id"], instance_arn=created["Arn"])
        result = run_wrk_scenario("describe_instance", moto, fixture, wrk, settings, "moto")
    except Exception as error:
        return ScenarioResult(name=NAME, target="moto", error=f"moto: {brief(error)}")
    finally:
        moto.stop()
    result.name = NAME
    if ours is not None and ours.ok and result.ok and result.rps:
        times = ours.rps / result.rps
        result.extra["connect_numbers_vs_moto"] = times
        result.extra["note"] = f"connect-numbers {times:.1f}x moto"
    return result
