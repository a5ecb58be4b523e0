"""The task panel: attempts, Update task (all three statuses) and Re-Run from Task, by clicks."""
import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from definitions import FLAKY, PARENT_OF_TWO, PARENT_OF_WAIT, RICH, TASK_DEFS, TWO_STEPS, wait_only


@pytest.fixture(scope="module", autouse=True)
def definitions(api):
    api.register_task_defs(TASK_DEFS)
    api.register_workflow(TWO_STEPS)
    api.register_workflow(FLAKY)
    api.register_workflow(RICH)
    api.register_workflow(wait_only("ui_child_wait"))
    api.register_workflow(PARENT_OF_WAIT)
    api.register_workflow(PARENT_OF_TWO)


def attempts(workflow, ref):
    return [t for t in workflow["tasks"] if t["referenceTaskName"] == ref]


def test_update_task_completed_with_output(ui, api):
    workflow_id = api.start("ui_two", {"who": "Ada"}, correlationId="panel-demo")
    task = api.poll("ui_step", workflow_id, worker="worker-7")
    api.call("POST", f"/tasks/{task['taskId']}/log", "greeting Ada")
    api.complete(workflow_id, task["taskId"], {"greeting": "Hello, Ada"})
    api.wait_for(workflow_id, lambda w: attempts(w, "approval") and attempts(w, "approval")[-1]["status"] == "IN_PROGRESS")

    ui.open_execution(workflow_id)
    ui.screenshot("execution-diagram")
    ui.select_node("approval")
    ui.find("[data-role=update-section]")
    ui.select("[data-role=update-status]", "COMPLETED")
    ui.set_value("[data-role=update-output]", json.dumps({"by": "browser", "note": "looks good"}, indent=2))
    ui.screenshot("task-panel")
    ui.click("[data-role=update-task]")
    assert "COMPLETED" in ui.dialog().text
    ui.confirm()
    ui.dialog_closed()
    workflow = api.wait_status(workflow_id, "COMPLETED")
    approval = attempts(workflow, "approval")[-1]
    assert approval["status"] == "COMPLETED"
    assert approval["outputData"] == {"by": "browser", "note": "looks good"}
    assert approval.get("workerId") == "baton-ui"
    assert workflow["output"] == {"greeting": "Hello, Ada", "by": "browser"}
    ui.status_shown("COMPLETED")

    # The other panel tabs show the attempt's data.
    ui.select_node("step")
    ui.click("[data-panel-tab=input]")
    ui.wait_text("[data-role=task-input]", "Ada")
    ui.click("[data-panel-tab=output]")
    ui.wait_text("[data-role=task-output]", "Hello, Ada")
    ui.click("[data-panel-tab=logs]")
    ui.wait_text("[data-role=task-logs]", "greeting Ada")
    ui.click("[data-panel-tab=summary]")
    ui.wait_text("[data-role=task-summary]", "worker-7")
    ui.click("[data-tab=timeline]")
    ui.find("[data-role=timeline] .tl-row")
    assert len(ui.find_all("[data-role=timeline] .tl-row")) == 2
    ui.screenshot("execution-timeline")
    ui.click("[data-role=timeline] .tl-row[data-ref=approval]")
    ui.wait_text("[data-role=panel-ref]", "approval")
    ui.click("[data-tab=tasks]")
    assert len(ui.find_all("[data-role=task-table] tbody tr")) == 2
    ui.screenshot("execution-task-list")
    ui.click("[data-tab=io]")
    ui.wait_text("[data-role=workflow-output]", "browser")
    ui.click("[data-tab=json]")
    ui.wait_text("[data-role=workflow-json]", workflow_id)


def test_update_task_failed_then_terminal_error_then_rerun_from_task(ui, api):
    workflow_id = api.start("ui_flaky_flow", {})
    api.poll("ui_flaky", workflow_id)
    ui.open_execution(workflow_id)
    ui.select_node("flaky")

    # FAILED: the task definition allows one retry, so a second attempt is scheduled.
    ui.select("[data-role=update-status]", "FAILED")
    ui.set_value("[data-role=update-output]", json.dumps({"error": "boom"}))
    ui.click("[data-role=update-task]")
    ui.confirm()
    ui.dialog_closed()
    workflow = api.wait_for(workflow_id, lambda w: len(attempts(w, "flaky")) == 2, what="a retry")
    first, second = attempts(workflow, "flaky")
    assert first["status"] == "FAILED" and first["outputData"] == {"error": "boom"}
    assert second["status"] in ("SCHEDULED", "IN_PROGRESS")
    ui.wait(lambda d: len(Select(d.find_element(By.CSS_SELECTOR, "[data-role=attempt-picker]")).options) == 2)
    picker = Select(ui.find("[data-role=attempt-picker]"))
    assert picker.first_selected_option.get_attribute("value") == second["taskId"]
    picker.select_by_value(first["taskId"])
    ui.wait_text("[data-role=task-id]", first["taskId"])
    ui.wait_text("[data-role=task-summary]", "FAILED")
    assert not ui.find_all("[data-role=update-section]")  # an ended attempt cannot be updated
    ui.screenshot("task-panel-attempts")
    Select(ui.find("[data-role=attempt-picker]")).select_by_value(second["taskId"])
    ui.wait_text("[data-role=task-id]", second["taskId"])

    # FAILED_WITH_TERMINAL_ERROR: no retry, the workflow fails.
    ui.select("[data-role=update-status]", "FAILED_WITH_TERMINAL_ERROR")
    ui.click("[data-role=update-task]")
    ui.confirm()
    ui.dialog_closed()
    workflow = api.wait_status(workflow_id, "FAILED")
    assert attempts(workflow, "flaky")[-1]["status"] == "FAILED_WITH_TERMINAL_ERROR"
    ui.status_shown("FAILED")
    items = ui.menu_items()
    for expected in ("restart", "restart-latest", "retry", "rerun-new", "rerun-in-place", "terminate"):
        assert expected in items, items

    # Re-Run from Task on the failed workflow, with a new task input.
    ui.select_node("flaky")
    ui.set_value("[data-role=rerun-task-input]", json.dumps({"x": 2}))
    ui.click("[data-role=rerun-from-task]")
    ui.confirm()
    ui.dialog_closed()
    workflow = api.wait_status(workflow_id, "RUNNING")
    runs = attempts(workflow, "flaky")
    assert runs[-1]["status"] in ("SCHEDULED", "IN_PROGRESS")
    assert runs[-1]["inputData"].get("x") == 2
    assert all(t["status"] in ("FAILED", "CANCELED") for t in runs[:-1])
    assert any(t["status"] == "CANCELED" for t in runs[:-1])
    ui.status_shown("RUNNING")


def test_rerun_from_task_on_a_running_workflow(ui, api):
    workflow_id = api.start("ui_two", {"who": "Bob"})
    task = api.poll("ui_step", workflow_id)
    api.complete(workflow_id, task["taskId"], {"greeting": "Hi Bob"})
    api.wait_for(workflow_id, lambda w: attempts(w, "approval"))
    ui.open_execution(workflow_id)
    ui.select_node("step")
    ui.click("[data-role=rerun-from-task]")
    ui.confirm()
    ui.dialog_closed()
    workflow = api.wait_for(workflow_id, lambda w: len(attempts(w, "step")) == 2, what="a new attempt of step")
    assert workflow["status"] == "RUNNING"
    old, new = attempts(workflow, "step")
    assert old["status"] == "CANCELED"
    assert new["status"] in ("SCHEDULED", "IN_PROGRESS")
    assert new["inputData"].get("who") == "Bob"
    assert not attempts(workflow, "approval")  # tasks after the rerun point are removed
    ui.wait(lambda d: d.find_element(By.CSS_SELECTOR, "[data-role=diagram] .node[data-ref=approval]").get_attribute("data-status") == "NOT_RUN")


def test_signal_the_blocked_task(ui, api):
    workflow_id = api.start("ui_two", {"who": "Cy"})
    task = api.poll("ui_step", workflow_id)
    ui.open_execution(workflow_id)
    ui.select_node("step")
    ui.find("[data-role=update-section]")
    assert not ui.find_all("[data-role=signal-task]")  # a worker's task is not what a signal reaches
    api.complete(workflow_id, task["taskId"], {"greeting": "Hi Cy"})
    api.wait_for(workflow_id, lambda w: attempts(w, "approval"))
    ui.select_node("approval")
    ui.set_value("[data-role=update-output]", json.dumps({"by": "signal"}))
    ui.click("[data-role=signal-task]")
    assert "/signal" in ui.dialog().text
    ui.confirm()
    ui.dialog_closed()
    workflow = api.wait_status(workflow_id, "COMPLETED")
    approval = attempts(workflow, "approval")[-1]
    assert approval["status"] == "COMPLETED"
    assert approval["outputData"] == {"by": "signal"}
    assert "workerId" not in approval or approval["workerId"] != "baton-ui"  # sent as a signal, not an update
    events = api.call("GET", f"/workflow/{workflow_id}/events")
    assert any(e["kind"] == "signal.task" for e in events)
    ui.status_shown("COMPLETED")


def child_of(api, workflow_id):
    """The child workflow of the parent's `child` task, once it started."""
    parent = api.wait_for(workflow_id, lambda w: attempts(w, "child") and attempts(w, "child")[-1].get("subWorkflowId"),
                          what="a child workflow")
    return attempts(parent, "child")[-1]["subWorkflowId"]


def test_signal_from_the_parent_reaches_the_childs_blocked_task(ui, api):
    workflow_id = api.start("ui_parent_of_wait")
    child_id = child_of(api, workflow_id)
    ui.open_execution(workflow_id)
    ui.select_node("child")
    ui.set_value("[data-role=update-output]", json.dumps({"by": "parent"}))
    ui.click("[data-role=signal-task]")
    dialog = ui.dialog().text
    assert f"/tasks/{workflow_id}/COMPLETED/signal" in dialog and "sub-workflow" in dialog
    ui.confirm()
    ui.dialog_closed()
    child = api.wait_status(child_id, "COMPLETED")
    assert attempts(child, "approval")[-1]["outputData"] == {"by": "parent"}
    api.wait_status(workflow_id, "COMPLETED")
    ui.status_shown("COMPLETED")


def test_retry_of_a_child_shows_its_parent_revived(ui, api):
    workflow_id = api.start("ui_parent_of_two", {"who": "Eve"})
    child_id = child_of(api, workflow_id)
    task = api.poll("ui_step", child_id)
    api.complete(child_id, task["taskId"], status="FAILED")
    api.wait_status(workflow_id, "FAILED")
    ui.open_execution(child_id)
    ui.status_shown("FAILED")
    ui.wait_text("[data-role=parent-status]", "FAILED")
    ui.action("retry")
    ui.confirm()
    ui.dialog_closed()
    ui.status_shown("RUNNING")
    ui.wait_text("[data-role=parent-status]", "RUNNING")  # the parent was revived with its child
    parent = api.wait_status(workflow_id, "RUNNING")
    assert attempts(parent, "child")[-1]["status"] == "IN_PROGRESS"
    events = api.call("GET", f"/workflow/{workflow_id}/events")
    assert any(e["kind"] == "workflow.revived" for e in events)


def test_skip_a_task_not_yet_run(ui, api):
    workflow_id = api.start("ui_two", {"who": "Di"})
    ui.open_execution(workflow_id)
    ui.select_node("approval")
    ui.find("[data-role=skip-section]")
    ui.set_value("[data-role=skip-output]", json.dumps({"by": "nobody"}))
    ui.click("[data-role=skip-task]")
    assert "Skip approval" in ui.dialog().text
    ui.confirm()
    ui.dialog_closed()
    workflow = api.wait_for(workflow_id, lambda w: attempts(w, "approval"), what="the skipped task")
    assert attempts(workflow, "approval")[0]["status"] == "SKIPPED"
    ui.wait_text("[data-role=panel-ref]", "approval")
    ui.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-role=skip-section]"))
    task = api.poll("ui_step", workflow_id)
    api.complete(workflow_id, task["taskId"], {"greeting": "Hi Di"})
    workflow = api.wait_status(workflow_id, "COMPLETED")
    assert workflow["output"] == {"greeting": "Hi Di", "by": "nobody"}
    ui.status_shown("COMPLETED")


def test_skip_is_offered_only_where_the_server_allows_it(ui, api):
    workflow_id = api.start("ui_rich", {"kind": "slow"})
    ui.open_execution(workflow_id)
    for ref, offered in [("left", True), ("final_approval", True), ("fan_in", False), ("fan_out", False), ("polish", False)]:
        ui.select_node(ref)
        ui.wait_text("[data-role=panel-ref]", ref)
        assert bool(ui.find_all("[data-role=skip-section]")) == offered, ref
