"""The execution page: every action of the Actions menu, clicked, with the result checked through the API."""
import json

import pytest
from selenium.webdriver.common.by import By

from conftest import ApiError
from definitions import TASK_DEFS, TWO_STEPS, wait_only


@pytest.fixture(scope="module", autouse=True)
def definitions(api):
    api.register_task_defs(TASK_DEFS)
    api.register_workflow(wait_only("ui_wait"))
    api.register_workflow(TWO_STEPS)


def test_pause_resume_terminate(ui, api):
    workflow_id = api.start("ui_wait", {"n": 1}, correlationId="corr-actions")
    ui.open_execution(workflow_id)
    ui.status_shown("RUNNING")
    assert ui.menu_items() == ["pause", "rerun-new", "terminate"]

    ui.action("pause")
    assert "Pause" in ui.dialog().text
    ui.confirm()
    ui.dialog_closed()
    assert api.wait_status(workflow_id, "PAUSED")["status"] == "PAUSED"
    ui.status_shown("PAUSED")
    assert ui.menu_items() == ["resume", "rerun-new", "terminate"]

    ui.action("resume")
    ui.confirm()
    ui.dialog_closed()
    api.wait_status(workflow_id, "RUNNING")
    ui.status_shown("RUNNING")

    ui.action("terminate")
    ui.type("dialog#dialog[open] [data-role=reason]", "stopped from the browser")
    ui.confirm()
    ui.dialog_closed()
    workflow = api.wait_status(workflow_id, "TERMINATED")
    assert "stopped from the browser" in (workflow.get("reasonForIncompletion") or "")
    ui.status_shown("TERMINATED")
    ui.wait_text("[data-role=reason]", "stopped from the browser")
    assert [t["status"] for t in workflow["tasks"]] == ["CANCELED"]

    # The audit trail shows each signal.
    ui.click("[data-tab=events]")
    ui.find("[data-role=events]")
    ui.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-role=events] tbody tr")) >= 3)
    shown = ui.text("[data-role=events]")
    for word in ("pause", "resume", "terminate"):
        assert word in shown.lower(), f"{word} missing from the events tab: {shown}"
    ui.screenshot("execution-events")


def test_retry_restart_and_rerun_in_place(ui, api):
    api.register_workflow(wait_only("ui_versions", 1))
    workflow_id = api.start("ui_versions", {"n": 2}, correlationId="corr-restart")
    api.call("DELETE", f"/workflow/{workflow_id}", query={"reason": "setup"})
    ui.open_execution(workflow_id)
    ui.status_shown("TERMINATED")
    items = ui.menu_items()
    for expected in ("restart", "restart-latest", "retry", "rerun-new", "rerun-in-place"):
        assert expected in items, items
    assert "pause" not in items and "resume" not in items and "terminate" not in items

    # Retry – from failed task
    ui.action("retry")
    ui.confirm()
    ui.dialog_closed()
    workflow = api.wait_status(workflow_id, "RUNNING")
    approvals = [t for t in workflow["tasks"] if t["referenceTaskName"] == "approval"]
    assert len(approvals) == 2, approvals
    assert approvals[0]["retried"] is True
    assert approvals[-1]["status"] in ("SCHEDULED", "IN_PROGRESS")
    ui.status_shown("RUNNING")

    # Restart with current definitions
    api.call("DELETE", f"/workflow/{workflow_id}")
    ui.status_shown("TERMINATED")
    ui.action("restart")
    ui.confirm()
    ui.dialog_closed()
    workflow = api.wait_status(workflow_id, "RUNNING")
    assert workflow["workflowVersion"] == 1
    assert len(workflow["tasks"]) == 1 and workflow["tasks"][0]["status"] in ("SCHEDULED", "IN_PROGRESS")

    # Restart with latest definitions: v2 adds a second task
    api.register_workflow(wait_only("ui_versions", 2, [{"name": "second", "taskReferenceName": "second", "type": "WAIT"}]))
    api.call("DELETE", f"/workflow/{workflow_id}")
    ui.status_shown("TERMINATED")
    ui.action("restart-latest")
    ui.confirm()
    ui.dialog_closed()
    workflow = api.wait_status(workflow_id, "RUNNING")
    assert workflow["workflowVersion"] == 2
    ui.status_shown("RUNNING")
    ui.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-role=diagram] .node[data-ref=second]"))

    # Rerun in place, with new input, on a COMPLETED workflow
    api.call("POST", f"/tasks/{workflow_id}/approval/COMPLETED", {"by": "api"})
    api.call("POST", f"/tasks/{workflow_id}/second/COMPLETED", {})
    api.wait_status(workflow_id, "COMPLETED")
    ui.status_shown("COMPLETED")
    ui.action("rerun-in-place")
    ui.set_value("dialog#dialog[open] [data-role=rerun-workflow-input]", json.dumps({"n": 42}))
    ui.confirm()
    ui.dialog_closed()
    workflow = api.wait_status(workflow_id, "RUNNING")
    assert workflow["workflowId"] == workflow_id
    assert workflow["input"]["n"] == 42
    assert workflow["correlationId"] == "corr-restart"


def test_rerun_workflow_opens_run_page_for_a_new_execution(ui, api):
    workflow_id = api.start("ui_wait", {"n": 7, "note": "again"}, correlationId="corr-rerun",
                            taskToDomain={"ui_step": "blue"})
    api.call("POST", f"/tasks/{workflow_id}/approval/COMPLETED", {"by": "api"})
    api.wait_status(workflow_id, "COMPLETED")
    ui.open_execution(workflow_id)
    ui.status_shown("COMPLETED")
    ui.action("rerun-new")
    ui.find("[data-role=rerun-notice]")
    ui.wait(lambda d: "corr-rerun" == d.find_element(By.CSS_SELECTOR, "[data-role=run-correlation]").get_attribute("value"))
    shown_input = json.loads(ui.find("[data-role=run-input]").get_attribute("value"))
    assert shown_input == {"n": 7, "note": "again"}
    domains = json.loads(ui.find("[data-role=run-domains]").get_attribute("value"))
    assert domains == {"ui_step": "blue"}
    ui.screenshot("run-workflow-prefilled")
    ui.click("[data-role=run-submit]")
    ui.wait(lambda d: "#/execution/" in d.current_url and workflow_id not in d.current_url)
    new_id = ui.driver.current_url.split("#/execution/")[1].split("?")[0]
    assert new_id != workflow_id
    new = api.workflow(new_id)
    assert new["input"] == {"n": 7, "note": "again"}
    assert new["correlationId"] == "corr-rerun"
    assert new["taskToDomain"] == {"ui_step": "blue"}
    assert api.workflow(workflow_id)["status"] == "COMPLETED"  # the original is untouched


def test_refused_signal_shows_the_server_message(ui, api):
    workflow_id = api.start("ui_wait", {"n": 3})
    ui.open_execution(workflow_id)
    ui.status_shown("RUNNING")
    ui.click("[data-role=actions]")
    ui.find("[data-role=actions-menu] [data-action=pause]")
    # Someone else ends the workflow while the menu is open; the open menu stays as it was.
    api.call("DELETE", f"/workflow/{workflow_id}", query={"reason": "elsewhere"})
    # The page has refreshed once the diagram shows the WAIT task canceled by the termination.
    ui.wait(lambda d: d.find_element(By.CSS_SELECTOR, "[data-role=diagram] .node[data-ref=approval]")
            .get_attribute("data-status") == "CANCELED")
    assert ui.find("[data-role=actions-menu] [data-action=pause]").is_displayed(), "the open menu stays as it was"
    ui.click("[data-role=actions-menu] [data-action=pause]")
    ui.confirm()
    with pytest.raises(ApiError) as refused:
        api.call("PUT", f"/workflow/{workflow_id}/pause")
    message = json.loads(refused.value.body)["message"]
    ui.wait_text("dialog#dialog[open] [data-role=dialog-error]", message)
    assert str(refused.value.status) in ui.text("dialog#dialog[open] [data-role=dialog-error]")
    ui.screenshot("refused-signal")
    ui.close_dialog()
    assert api.workflow(workflow_id)["status"] == "TERMINATED"
    ui.status_shown("TERMINATED")


def test_live_updates_keep_the_selection(ui, api):
    workflow_id = api.start("ui_two", {"who": "Live"})
    ui.open_execution(workflow_id)
    ui.select_node("approval")
    assert "NOT_RUN" == ui.find("[data-role=diagram] .node[data-ref=approval]").get_attribute("data-status")
    task = api.poll("ui_step", workflow_id)
    api.complete(workflow_id, task["taskId"], {"greeting": "hello"})
    ui.wait(lambda d: d.find_element(By.CSS_SELECTOR, "[data-role=diagram] .node[data-ref=step]").get_attribute("data-status") == "COMPLETED", 10)
    ui.wait(lambda d: d.find_element(By.CSS_SELECTOR, "[data-role=diagram] .node[data-ref=approval]").get_attribute("data-status") == "IN_PROGRESS", 10)
    assert ui.text("[data-role=panel-ref]") == "approval"
    assert "task=approval" in ui.driver.current_url
    ui.find("[data-role=update-section]")  # the panel now offers Update task for the running WAIT
    assert ui.find_all("[data-role=diagram] .node.selected")[0].get_attribute("data-ref") == "approval"
    # Executed path: start → step → approval edges are highlighted.
    assert len(ui.find_all("[data-role=diagram] path.edge.exec")) >= 2


def test_keyboard_and_narrow_window(ui, api):
    workflow_id = api.start("ui_two", {"who": "Keys"})
    ui.open_execution(workflow_id)
    node = ui.find("[data-role=diagram] .node[data-ref=step]")
    node.send_keys("\ue007")  # Enter on the focused diagram node selects it
    ui.wait_text("[data-role=panel-ref]", "step")
    button = ui.find("[data-role=actions]")
    button.send_keys("\ue007")
    ui.find("[data-role=actions-menu] [data-action=pause]")
    focused = ui.driver.switch_to.active_element
    assert focused.get_attribute("data-action") == "pause"
    focused.send_keys("\ue015")  # ArrowDown
    assert ui.driver.switch_to.active_element.get_attribute("data-action") == "rerun-new"
    ui.driver.switch_to.active_element.send_keys("\ue00c")  # Escape closes the menu
    ui.wait(lambda d: not ui.find_all("[data-role=actions-menu] [data-action]"))

    ui.driver.set_window_size(420, 900)
    ui.open(f"/execution/{workflow_id}?task=step")
    ui.wait_text("[data-role=panel-ref]", "step")
    overflow = ui.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than a narrow window"
    ui.screenshot("narrow-execution")
    ui.open("/executions")
    ui.find("[data-role=executions]")
    overflow = ui.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    ui.screenshot("narrow-executions")
