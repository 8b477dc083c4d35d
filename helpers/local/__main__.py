"""``python -m helpers.local serve|status|stop``: run and inspect the local SageMaker."""

from __future__ import annotations

import argparse
import json
import sys

from . import config, server


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m helpers.local", description=__doc__)
    parser.add_argument("command", choices=["serve", "start", "status", "stop"])
    parser.add_argument(
        "--port", type=int, default=None, help=f"default: $WORKSHOP_LOCAL_PORT or {config.DEFAULT_PORT}"
    )
    parser.add_argument("--json", action="store_true", help="status as JSON")
    parser.add_argument("--exit-with", type=int, default=None, help="serve: stop when this process id ends")
    args = parser.parse_args(argv)
    port = args.port or config.port()
    try:
        if args.command == "serve":
            server.serve(port, exit_with=args.exit_with)
        elif args.command == "start":
            info = server.start_detached(port)
            print(f"local SageMaker running on {config.url(port)} (pid {info['pid']}); log: {info['log']}")
        elif args.command == "status":
            info = server.status(port)
            if info is None:
                print(f"local SageMaker is not running on port {port}. Start it: python -m helpers.local start")
                return 1
            if args.json:
                print(json.dumps(info, indent=2))
            else:
                print(
                    f"local SageMaker on {config.url(port)}: pid {info['pid']}, instance {info['instance_id']}, "
                    f"{'ready' if info['ready'] else 'starting'}; state {info['state']}"
                )
                for name, state in info["engines"].items():
                    print(f"  engine {name}: {state}")
                for endpoint in info["endpoints"]:
                    print(f"  endpoint {endpoint['name']} ({endpoint['region']}): {endpoint['status']}")
                print(f"  log: {info['log']}")
        elif args.command == "stop":
            print("stopped" if server.stop(port) else f"no local SageMaker was running on port {port}")
    except server.LocalServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
