"""Start, inspect and stop the local SageMaker (a moto server with the workshop's extensions).

State (endpoints, buckets, metrics) lives in the server process's memory only: stopping or losing the
process loses it. ``helpers.setup()`` notices a restart and says so.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen

from . import config

STATUS_PATH = "/_workshop/status"
log = logging.getLogger("helpers.local.server")


class LocalServerError(RuntimeError):
    """The local SageMaker could not be started or reached; the message says what to do."""


# ------------------------------------------------------------------------------------------ in the server
class _Status:
    def __init__(self, port: int):
        self.port = port
        self.instance_id = uuid.uuid4().hex[:12]
        self.started_at = time.time()
        self.seeded = False
        self.engines_loading: dict[str, str] = {}

    def snapshot(self) -> dict[str, Any]:
        from moto.sagemaker.models import sagemaker_backends

        from .engines import engine_status

        endpoints = []
        for region, backend in sagemaker_backends[config.ACCOUNT_ID].items():
            for name, endpoint in list(backend.endpoints.items()):
                endpoints.append({"name": name, "region": region, "status": endpoint.endpoint_status})
        engines = engine_status()
        engines.update({k: v for k, v in self.engines_loading.items() if engines.get(k) == "not loaded"})
        return {
            "pid": os.getpid(),
            "port": self.port,
            "instance_id": self.instance_id,
            "started_at": self.started_at,
            "ready": self.seeded,
            "endpoints": endpoints,
            "engines": engines,
            "log": str(config.log_file(self.port)),
            "state": "in memory only: lost when the server stops",
        }


def _status_app(app, status: _Status):
    def wrapped(environ, start_response):
        if environ.get("PATH_INFO") == STATUS_PATH:
            body = json.dumps(status.snapshot()).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return app(environ, start_response)

    return wrapped


def _seed(port: int, status: _Status, region: str) -> None:
    import boto3

    from . import catalog

    session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name=region)
    s3 = session.client("s3", endpoint_url=config.url(port))
    catalog.seed(s3, region)
    _seed_role(session.client("iam", endpoint_url=config.url(port)))
    status.seeded = True
    log.info("seeded the JumpStart catalogue and role in %s", region)


def _seed_role(iam: Any) -> None:
    """The local execution role, set up as the workshop asks an account's to be: it trusts SageMaker and has the
    workshop's execution-role policy (``iam/``) attached, so the preflight (``helpers.roles``) finds it complete."""
    from ..context import PREFIX
    from ..roles import IAM_DIR, document

    trust = document("execution-role-trust.json", config.ACCOUNT_ID)
    iam.create_role(RoleName=LOCAL_ROLE_NAME, AssumeRolePolicyDocument=json.dumps(trust))
    policy = json.dumps(document("execution-role-policy.json", config.ACCOUNT_ID), indent=2)
    description = f"The workshop's execution-role policy ({IAM_DIR.name}/execution-role-policy.json)"
    arn = iam.create_policy(PolicyName=f"{PREFIX}-execution", PolicyDocument=policy, Description=description)
    iam.attach_role_policy(RoleName=LOCAL_ROLE_NAME, PolicyArn=arn["Policy"]["Arn"])


LOCAL_ROLE_NAME = "WorkshopSageMakerExecutionRole"


def _warm_engines(status: _Status, names: list[str]) -> None:
    from .engines import get_engine

    deadline = time.time() + 60
    while not status.seeded and time.time() < deadline:  # ready first: loading weights competes for the CPU
        time.sleep(0.05)
    for name in names:
        engine = get_engine(name)
        first = getattr(engine, "needs_conversion", lambda: False)()
        status.engines_loading[name] = (
            "loading (first start: converting the model, a few seconds)" if first else "loading"
        )
        try:
            engine.load()
            status.engines_loading.pop(name, None)
        except Exception as exc:  # reported by `status`, and again on invoke
            status.engines_loading[name] = f"failed: {exc}"
            log.exception("engine %s failed to load", name)


def _exit_with(parent_pid: int, stop: Any) -> None:
    """Stop the server when ``parent_pid`` is gone (test sessions: no orphan servers after a killed run)."""
    while True:
        time.sleep(1.0)
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            log.info("parent process %s is gone: stopping", parent_pid)
            stop()
            return
        except PermissionError:
            pass


def serve(
    port: int | None = None,
    region: str = config.DEFAULT_REGION,
    warm: tuple[str, ...] = ("smollm2",),
    exit_with: int | None = None,
) -> None:
    """Run the local SageMaker in this process until interrupted (``python -m helpers.local serve``).

    With ``exit_with``, the server also stops when that process ends.
    """
    port = port or config.port()
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[logging.FileHandler(config.log_file(port))]
        + ([logging.StreamHandler()] if sys.stderr.isatty() else []),
    )
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if _port_in_use(port):
        raise LocalServerError(_port_message(port))
    os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    from . import extensions, validation
    from .labeling_portal import Portal
    from .runtime import LocalRuntime

    extensions.apply()
    status = _Status(port)
    # AWS's input validation (from botocore's model) first, then the invocations, the worker portal, then moto.
    app = _status_app(
        validation.RequestValidation(LocalRuntime(Portal(DomainDispatcherApplication(create_backend_app)))), status
    )
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)
    state = config.state_file(port)
    state.write_text(json.dumps({"pid": os.getpid(), "port": port, "instance_id": status.instance_id}))

    def stop(*_: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    if exit_with:
        threading.Thread(target=_exit_with, args=(exit_with, stop), daemon=True).start()
    threading.Thread(target=_seed, args=(port, status, region), daemon=True).start()
    threading.Thread(target=validation.warm, daemon=True).start()  # load the service models before requests
    threading.Thread(target=_warm_engines, args=(status, list(warm)), daemon=True).start()
    log.info("local SageMaker listening on %s (instance %s)", config.url(port), status.instance_id)
    code = 0
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    except BaseException:
        log.exception("local SageMaker failed")
        code = 1
    finally:
        state.unlink(missing_ok=True)
        from . import training

        training.kill_running()  # a training script must not outlive the server that ran it
        log.info("local SageMaker stopped")
        logging.shutdown()
        # Leave now: a worker thread that is not a daemon (a library's, a job runner's) must not keep a stopped
        # server's process alive (seen: servers of finished test sessions still running an hour later).
        os._exit(code)


# ------------------------------------------------------------------------------------------ from outside
def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _port_message(port: int) -> str:
    return (
        f"Port {port} is already in use by another program. Stop it, or pick another port: "
        f"export WORKSHOP_LOCAL_PORT={port + 1}"
    )


def status(port: int | None = None, timeout: float = 2.0) -> dict[str, Any] | None:
    """The running server's status, or None when nothing answers on the port (or it stopped while answering)."""
    from http.client import HTTPException

    port = port or config.port()
    try:
        with urlopen(config.url(port) + STATUS_PATH, timeout=timeout) as response:  # noqa: S310 - loopback only
            return json.loads(response.read())
    except (URLError, OSError, ValueError, HTTPException):  # HTTPException: e.g. the body cut short by its exit
        return None


def start_detached(port: int | None = None, wait: float = 60.0, exit_with: int | None = None) -> dict[str, Any]:
    """Start the server in the background (its own process session) and wait until it is ready.

    ``exit_with``: a process id; the server stops when that process ends (the test harness uses its own).
    """
    port = port or config.port()
    current = status(port)
    if current:
        return current
    if _port_in_use(port):
        raise LocalServerError(_port_message(port))
    log_path = config.log_file(port)
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in [package_root, env.get("PYTHONPATH", "")] if p)
    for var in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        env.pop(var, None)
    with open(log_path, "ab") as log_handle:
        process = subprocess.Popen(  # noqa: S603 - our own module
            [sys.executable, "-m", "helpers.local", "serve", "--port", str(port)]
            + (["--exit-with", str(exit_with)] if exit_with else []),
            stdout=log_handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
            cwd=package_root,
        )
    return wait_ready(port, wait, process)


def wait_ready(port: int, wait: float, process: subprocess.Popen | None = None) -> dict[str, Any]:
    """Wait until the server on ``port`` reports ready (catalogue seeded)."""
    deadline = time.time() + wait
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise LocalServerError(
                f"The local SageMaker exited at start (code {process.returncode}). See its log: {config.log_file(port)}"
            )
        current = status(port, timeout=1.0)
        if current and current.get("ready"):
            return current
        time.sleep(0.1)
    raise LocalServerError(
        f"The local SageMaker did not become ready within {wait:.0f} s. See its log: {config.log_file(port)}"
    )


def stop(port: int | None = None, wait: float = 10.0) -> bool:
    """Stop the server on ``port``; returns False when none was running."""
    port = port or config.port()
    current = status(port)
    if not current:
        config.state_file(port).unlink(missing_ok=True)
        return False
    os.kill(int(current["pid"]), signal.SIGTERM)
    deadline = time.time() + wait
    while time.time() < deadline and status(port, timeout=0.5):
        time.sleep(0.1)
    if status(port, timeout=0.5):
        os.kill(int(current["pid"]), signal.SIGKILL)
    return True
