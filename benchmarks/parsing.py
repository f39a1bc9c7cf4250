"""The typed and the plain parsing paths of msgraph-sdk, on the same bytes (sdk.md §1).

``python -m benchmarks parsing --users N --typed-users M``: the users pages Graph would send for
``$select`` of the properties m365gov reads, at ``$top=999``, parsed two ways — ``json.loads`` (what
m365gov does) and msgraph-sdk's typed models (``UserCollectionResponse``, exactly what
``client.users.get()`` runs after the bytes arrive: kiota's JSON parse node and the generated
deserializers). Only parsing is timed: the bytes come from the emulator in this process, no socket.
Typed parsing is ~5 ms a user, so it runs on the first ``M`` users and is extrapolated (labelled).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

SELECT = ("accountEnabled,assignedLicenses,assignedPlans,businessPhones,department,displayName,id,mobilePhone,"
          "preferredDataLocation,usageLocation,userPrincipalName,userType")


def pages(users: int) -> list[bytes]:
    from m365gov.emulator import Emulator, generate_tenant
    from m365gov.emulator.protocol import make_request

    emu = Emulator(generate_tenant(2026, users))
    out: list[bytes] = []
    target: str | None = f"/v1.0/users?$select={SELECT}&$top=999"
    while target:
        resp = emu.dispatch(make_request("GET", target, {"Authorization": "Bearer x"}))
        out.append(resp.body)
        link = json.loads(resp.body).get("@odata.nextLink")
        target = link.split(":0", 1)[1] if link else None  # the link names port 0: keep the path
    return out


def _rss() -> int:
    """Resident memory now (Linux ``/proc``), to see what the parsed objects hold (tracemalloc would
    slow the typed path, which runs thousands of imports per object, a hundredfold)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def plain(bodies: list[bytes]) -> tuple[float, int, int]:
    before = _rss()
    t = time.process_time()
    kept = [json.loads(b)["value"] for b in bodies]
    seconds = time.process_time() - t
    return seconds, sum(len(k) for k in kept), _rss() - before


def typed(bodies: list[bytes], limit: int) -> tuple[float, int, int]:
    from kiota_serialization_json.json_parse_node_factory import JsonParseNodeFactory
    from msgraph.generated.models.user_collection_response import UserCollectionResponse

    factory = JsonParseNodeFactory()
    chosen: list[bytes] = []
    count = 0
    for body in bodies:
        if count >= limit:
            break
        value = json.loads(body)["value"][: limit - count]
        count += len(value)
        chosen.append(json.dumps({"value": value}).encode())
    # Warm up: the first typed object loads ~1,250 generated modules (sdk.md §1), not part of the rate.
    factory.get_root_parse_node("application/json", b'{"value":[{"id":"x"}]}').get_object_value(
        UserCollectionResponse)
    before = _rss()
    t = time.process_time()
    kept: list[Any] = []
    for body in chosen:
        node = factory.get_root_parse_node("application/json", body)
        kept.append(node.get_object_value(UserCollectionResponse))
    seconds = time.process_time() - t
    return seconds, sum(len(k.value or []) for k in kept), _rss() - before


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks parsing")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--typed-users", type=int, default=2_000)
    args = parser.parse_args(argv)
    bodies = pages(args.users)
    p_seconds, p_users, p_memory = plain(bodies)
    t_seconds, t_users, t_memory = typed(bodies, args.typed_users)
    print(json.dumps({
        "users": args.users, "bytes": sum(len(b) for b in bodies), "pages": len(bodies),
        "plain": {"users": p_users, "seconds": p_seconds, "memory": p_memory},
        "typed": {"users": t_users, "seconds": t_seconds, "memory": t_memory},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
