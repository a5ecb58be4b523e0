"""Fixtures of the interop suite: one real `baton server` per session, and the SDK's clients for it.

The server is the binary named by `BATON_BINARY`, started on a free port (`--port 0`; the port is read
from its `baton.port=NNNN` log line) with a fresh SQLite file in a temporary directory. It is stopped
with SIGTERM (SIGKILL if it does not exit) when the session ends.
"""

import os
import re
import signal
import subprocess
import tempfile
import threading
import time
import uuid

import pytest
from conductor.client.configuration.configuration import Configuration
from conductor.client.http.api.workflow_bulk_resource_api import WorkflowBulkResourceApi
from conductor.client.http.api_client import ApiClient
from conductor.client.orkes_clients import OrkesClients

PORT_LINE = re.compile(r"baton\.port=(\d+)")


class BatonServer:
    """A `baton server` child process and everything it printed."""

    def __init__(self, binary: str, directory: str):
        self.database = os.path.join(directory, "baton.sqlite")
        self.log_path = os.path.join(directory, "baton.log")
        self.lines: list[str] = []
        self.port: int | None = None
        self._port_found = threading.Event()
        self.process = subprocess.Popen(
            [binary, "server", "--host", "127.0.0.1", "--port", "0", "--database", self.database,
             "--log-level", "info"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()

    def _read_output(self) -> None:
        assert self.process.stdout is not None
        with open(self.log_path, "w") as log:
            for line in self.process.stdout:
                self.lines.append(line)
                log.write(line)
                log.flush()
                match = PORT_LINE.search(line)
                if match and self.port is None:
                    self.port = int(match.group(1))
                    self._port_found.set()
        self._port_found.set()

    def wait_until_listening(self, timeout: float = 30) -> None:
        if not self._port_found.wait(timeout) or self.port is None:
            self.stop()
            raise RuntimeError("baton server did not report its port:\n" + "".join(self.lines))

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._reader.join(timeout=5)


@pytest.fixture(scope="session")
def baton_server():
    binary = os.environ.get("BATON_BINARY")
    if not binary:
        pytest.exit("Set BATON_BINARY to the path of the `baton` executable", returncode=2)
    binary = os.path.abspath(binary)
    if not os.access(binary, os.X_OK):
        pytest.exit(f"BATON_BINARY={binary} is not an executable file", returncode=2)
    with tempfile.TemporaryDirectory(prefix="baton-interop-") as directory:
        server = BatonServer(binary, directory)
        try:
            server.wait_until_listening()
            yield server
        finally:
            server.stop()
        if server.process.returncode not in (0, -signal.SIGTERM):
            print("".join(server.lines))


@pytest.fixture(scope="session")
def configuration(baton_server):
    """The SDK's configuration: the server URL and no key, exactly as a user of open-source Conductor writes it."""
    return Configuration(server_api_url=baton_server.api_url)


@pytest.fixture(scope="session")
def clients(configuration):
    return OrkesClients(configuration=configuration)


@pytest.fixture(scope="session")
def metadata_client(clients):
    return clients.get_metadata_client()


@pytest.fixture(scope="session")
def workflow_client(clients):
    return clients.get_workflow_client()


@pytest.fixture(scope="session")
def task_client(clients):
    return clients.get_task_client()


@pytest.fixture(scope="session")
def bulk_api(configuration):
    """The SDK's generated bulk resource (the high-level WorkflowClient has no bulk calls)."""
    return WorkflowBulkResourceApi(ApiClient(configuration))


@pytest.fixture
def unique():
    """A name no other test uses, so tests never see each other's tasks in a queue."""
    def make(prefix: str) -> str:
        return f"{prefix}_{uuid.uuid4().hex[:10]}"
    return make
