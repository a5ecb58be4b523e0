"""The Task queues page: each queue's waiting and running tasks, its limits, and the workers that polled it."""
import pytest
from selenium.webdriver.common.by import By

LIMITED = {"name": "ui_limited", "retryCount": 0, "responseTimeoutSeconds": 3600, "concurrentExecLimit": 1,
           "ownerEmail": "ui@example.com"}
FLOW = {"name": "ui_limited_flow", "version": 1, "schemaVersion": 2, "ownerEmail": "ui@example.com",
        "tasks": [{"name": "ui_limited", "taskReferenceName": "work", "type": "SIMPLE"}]}


@pytest.fixture(scope="module", autouse=True)
def definitions(api):
    api.register_task_defs([LIMITED])
    api.register_workflow(FLOW)


def test_queues_show_waiting_running_limits_and_workers(ui, api):
    first = api.start("ui_limited_flow")
    api.start("ui_limited_flow")
    api.poll("ui_limited", first, worker="queue-page-worker")
    ui.open("/queues")
    row = "[data-role=queues] tr[data-queue=ui_limited]"
    ui.wait_text(row + " [data-role=waiting]", "1")
    assert ui.text(row + " [data-role=running]") == "1"
    assert "1 at once (reached: holding back)" in ui.text(row + " [data-role=limits]")
    assert "queue-page-worker" in ui.text(row + " [data-role=workers]")
    active = ui.find(".mainnav a[data-nav=queues]")
    assert active.get_attribute("aria-current") == "page"
    ui.screenshot("queues_page")
    assert not ui.js_errors()
