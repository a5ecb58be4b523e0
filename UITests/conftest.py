"""Fixtures for Baton's browser tests: a real `baton server`, its REST API, and headless Chromium."""
from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from selenium import webdriver
from selenium.common.exceptions import (ElementClickInterceptedException, StaleElementReferenceException,
                                        TimeoutException)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

HERE = pathlib.Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
REPO = HERE.parent


# ---- the server -------------------------------------------------------------------------------------


class Server:
    """A `baton server` child process on a free port with a fresh SQLite file."""

    def __init__(self, binary: str):
        self.directory = tempfile.mkdtemp(prefix="baton-ui-")
        self.log_path = pathlib.Path(self.directory) / "server.log"
        self.lines: list[str] = []
        self.port: int | None = None
        self.process = subprocess.Popen(
            [binary, "server", "--port", "0", "--host", "127.0.0.1",
             "--database", os.path.join(self.directory, "baton.sqlite")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
        )
        ready = threading.Event()

        def read():
            with open(self.log_path, "w") as log:
                for line in self.process.stdout:
                    log.write(line)
                    log.flush()
                    self.lines.append(line)
                    match = re.search(r"baton\.port=(\d+)", line)
                    if match and self.port is None:
                        self.port = int(match.group(1))
                        ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(60) or self.port is None:
            self.stop()
            raise RuntimeError("baton server did not report its port:\n" + "".join(self.lines[-40:]))
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        ARTIFACTS.mkdir(exist_ok=True)
        if self.log_path.exists():
            shutil.copy(self.log_path, ARTIFACTS / "server.log")
        shutil.rmtree(self.directory, ignore_errors=True)


class ApiError(Exception):
    def __init__(self, status: int, body: str):
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


class Api:
    """A tiny client for Baton's REST API (the tests assert workflow state through it)."""

    def __init__(self, base: str):
        self.base = base + "/api"

    def call(self, method: str, path: str, body=None, query: dict | None = None):
        url = self.base + path
        if query:
            url += "?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote)
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode()
                if "json" in (response.headers.get("Content-Type") or ""):
                    return json.loads(text) if text else None
                return text
        except urllib.error.HTTPError as error:
            raise ApiError(error.code, error.read().decode()) from None

    def workflow(self, workflow_id: str) -> dict:
        return self.call("GET", f"/workflow/{workflow_id}")

    def start(self, name: str, input: dict | None = None, **extra) -> str:
        body = {"name": name, "input": input or {}}
        body.update(extra)
        return self.call("POST", "/workflow", body).strip()

    def register_task_defs(self, defs: list[dict]):
        self.call("POST", "/metadata/taskdefs", defs)

    def register_workflow(self, definition: dict):
        self.call("PUT", "/metadata/workflow", [definition])

    def poll(self, task_type: str, workflow_id: str, worker: str = "ui-test-worker") -> dict:
        """Polls until this workflow's task of that type is handed out (other tests' tasks share the queue)."""
        deadline = time.time() + 10
        while time.time() < deadline:
            task = self.call("GET", f"/tasks/poll/{task_type}", query={"workerid": worker})
            if isinstance(task, dict) and task.get("workflowInstanceId") == workflow_id:
                return task
            if not task:
                time.sleep(0.1)
        raise AssertionError(f"no {task_type} task of {workflow_id} was handed out")

    def complete(self, workflow_id: str, task_id: str, output: dict | None = None, status: str = "COMPLETED"):
        return self.call("POST", "/tasks", {"workflowInstanceId": workflow_id, "taskId": task_id,
                                            "status": status, "outputData": output or {}})

    def wait_for(self, workflow_id: str, predicate, timeout: float = 10, what: str = "condition") -> dict:
        deadline = time.time() + timeout
        workflow = self.workflow(workflow_id)
        while time.time() < deadline:
            workflow = self.workflow(workflow_id)
            if predicate(workflow):
                return workflow
            time.sleep(0.1)
        raise AssertionError(f"{what} not reached for {workflow_id}: status {workflow['status']}, "
                             f"tasks {[(t['referenceTaskName'], t['status']) for t in workflow['tasks']]}")

    def wait_status(self, workflow_id: str, status: str, timeout: float = 10) -> dict:
        return self.wait_for(workflow_id, lambda w: w["status"] == status, timeout, f"status {status}")


# ---- the browser --------------------------------------------------------------------------------------


class UI:
    """Selenium helpers for the Baton web UI."""

    def __init__(self, driver: webdriver.Chrome, base: str):
        self.driver = driver
        self.base = base

    def open(self, hash_path: str):
        target = f"{self.base}/#{hash_path}"
        if self.driver.current_url == target:
            self.driver.refresh()  # the same hash would not re-render the page
        else:
            self.driver.get(target)
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete")

    def wait(self, condition, timeout: float = 10, message: str = ""):
        return WebDriverWait(self.driver, timeout, poll_frequency=0.1,
                             ignored_exceptions=(StaleElementReferenceException,)).until(condition, message)

    def find(self, css: str, timeout: float = 10):
        return self.wait(lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()), None),
                         timeout, f"no visible element {css}")

    def find_all(self, css: str):
        return [e for e in self.driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]

    def click(self, css: str, timeout: float = 10):
        def attempt(d):
            try:
                element = next((e for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed() and e.is_enabled()), None)
                if element is None:
                    return False
                d.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
                element.click()
                return True
            except ElementClickInterceptedException:
                return False
        self.wait(attempt, timeout, f"cannot click {css}")

    def text(self, css: str) -> str:
        return self.find(css).text

    def wait_text(self, css: str, text: str, timeout: float = 10):
        def check(d):
            elements = [e for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]
            return any(text in e.text for e in elements)
        try:
            self.wait(check, timeout)
        except TimeoutException:
            seen = [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, css)]
            raise AssertionError(f"'{text}' not shown in {css}; saw {seen}") from None

    def type(self, css: str, text: str, clear: bool = True):
        element = self.find(css)
        if clear:
            # select-all + delete works for textareas and inputs alike, and fires input events
            element.send_keys("\ue009a")  # Ctrl+A
            element.send_keys("\ue017")  # Delete
        element.send_keys(text)
        return element

    def set_value(self, css: str, value: str):
        """Sets a field's value at once (for long JSON) and fires its input event like typing would."""
        element = self.find(css)
        self.driver.execute_script(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            element, value)
        return element

    def select(self, css: str, value: str):
        Select(self.find(css)).select_by_value(value)

    # Dialog helpers ---------------------------------------------------------------------------------

    def dialog(self):
        return self.find("dialog#dialog[open]")

    def confirm(self):
        self.dialog()
        self.click("dialog#dialog[open] [data-role=dialog-confirm]")

    def dialog_closed(self, timeout: float = 10):
        self.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog#dialog[open]"), timeout, "dialog still open")

    def close_dialog(self):
        self.click("dialog#dialog[open] [data-role=dialog-cancel]")
        self.dialog_closed()

    # Execution page -----------------------------------------------------------------------------------

    def open_execution(self, workflow_id: str, tab: str | None = None):
        self.open(f"/execution/{workflow_id}" + (f"?tab={tab}" if tab else ""))
        self.find("[data-role=workflow-id]")

    def status_shown(self, status: str, timeout: float = 10):
        self.wait_text("[data-role=workflow-status]", status.replace("_", " "), timeout)

    def action(self, key: str):
        """Opens the Actions menu and picks an item."""
        self.click("[data-role=actions]")
        self.click(f"[data-role=actions-menu] [data-action='{key}']")

    def menu_items(self) -> list[str]:
        self.click("[data-role=actions]")
        items = [e.get_attribute("data-action") for e in self.find_all("[data-role=actions-menu] [data-action]")]
        self.driver.switch_to.active_element.send_keys("\ue00c")  # Escape closes the menu
        self.wait(lambda d: not self.find_all("[data-role=actions-menu] [data-action]"), 5, "menu did not close")
        return items

    def select_node(self, ref: str):
        self.click(f"[data-role=diagram] .node[data-ref='{ref}']")
        self.wait_text("[data-role=panel-ref]", ref)

    def screenshot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))

    def js_errors(self) -> list[str]:
        try:
            return [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]
        except Exception:
            return []


def chromium_paths():
    browser = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return browser, driver


@pytest.fixture(scope="session")
def server():
    binary = os.environ.get("BATON_BINARY") or str(REPO / ".build" / "debug" / "baton")
    if not os.path.isabs(binary):
        binary = str(REPO / binary)
    if not os.path.exists(binary):
        pytest.fail(f"BATON_BINARY {binary} does not exist; build Baton first")
    running = Server(binary)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def api(server) -> Api:
    return Api(server.url)


@pytest.fixture(scope="session")
def driver():
    browser, chromedriver = chromium_paths()
    options = Options()
    if browser:
        options.binary_location = browser
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1440,1000", "--force-device-scale-factor=1", "--lang=en-US",
                     "--disable-search-engine-choice-screen", "--no-first-run"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    chrome.set_page_load_timeout(30)
    yield chrome
    chrome.quit()


@pytest.fixture()
def ui(driver, server, request) -> UI:
    driver.set_window_size(1440, 1000)
    browser = UI(driver, server.url)
    browser.js_errors()  # drain earlier entries
    yield browser
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        browser.screenshot("FAILED-" + request.node.name)
    errors = [e for e in browser.js_errors() if "favicon" not in e and "/api/" not in e]
    assert not errors, f"JavaScript errors in the page: {errors}"


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
