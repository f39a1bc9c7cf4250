"""``m365gov emulator serve``."""

from __future__ import annotations

import click

from m365gov.cli.app import main


@main.group()
def emulator() -> None:
    """The local Microsoft 365 stand-in (for demos and tests; loopback only)."""


@emulator.command("serve")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--users", default=350, show_default=True, type=click.IntRange(80, 200_000))
@click.option("--seed", default=2026, show_default=True, type=int)
@click.option(
    "--latency", default=0.0, show_default=True, type=click.FloatRange(0, 10), help="Seconds added to each request."
)
@click.option("--throttle-rate", default=0.0, type=click.FloatRange(0, 1), help="Fraction of requests answered 429.")
@click.option("--error-rate", default=0.0, type=click.FloatRange(0, 1), help="Fraction answered 503.")
@click.option(
    "--drop-rate", default=0.0, type=click.FloatRange(0, 1), help="Fraction of connections dropped mid-response."
)
@click.option("--forbid", multiple=True, help="Path prefix answered 403 (e.g. /v1.0/sites).")
@click.option(
    "--keyvault/--no-keyvault",
    default=True,
    show_default=True,
    help="Also serve the town's Customer Key vaults and their management plane (https, self-signed certificate).",
)
def emulator_serve(
    port: int,
    users: int,
    seed: int,
    latency: float,
    throttle_rate: float,
    error_rate: float,
    drop_rate: float,
    forbid: tuple[str, ...],
    keyvault: bool,
) -> None:
    """Serve the generated town on 127.0.0.1 until Ctrl-C."""
    from m365gov.emulator import Faults
    from m365gov.emulator.server import serve

    faults = Faults(
        latency=latency,
        throttle_rate=throttle_rate,
        error_503_rate=error_rate,
        drop_rate=drop_rate,
        forbidden=frozenset(forbid),
    )
    serve(seed=seed, users=users, port=port, faults=faults, keyvault=keyvault)

