"""Definitions pages (list, edit with inline validation errors, register) and the Run Workflow page."""
import json

import pytest
from selenium.webdriver.common.by import By

from conftest import ApiError
from definitions import RICH, TASK_DEFS, TWO_STEPS


@pytest.fixture(scope="module", autouse=True)
def definitions(api):
    api.register_task_defs(TASK_DEFS)
    api.register_workflow(TWO_STEPS)


def test_register_task_definition(ui, api):
    ui.open("/definitions/task/new")
    ui.find("[data-role=definition-editor]")
    definition = {"name": "ui_made_in_browser", "retryCount": 2, "retryLogic": "FIXED", "retryDelaySeconds": 1,
                  "responseTimeoutSeconds": 120, "ownerEmail": "ui@example.com"}
    ui.set_value("[data-role=definition-editor]", json.dumps(definition, indent=2))
    ui.click("[data-role=save-definition]")
    ui.wait_text("[data-role=editor-status]", "Saved")
    stored = api.call("GET", "/metadata/taskdefs/ui_made_in_browser")
    assert stored["retryCount"] == 2

    # Edit it: Save replaces the definition.
    ui.wait(lambda d: "/definitions/task/ui_made_in_browser" in d.current_url)
    ui.wait(lambda d: "ui_made_in_browser" in ui.find("[data-role=definition-editor]").get_attribute("value"))
    edited = dict(definition, retryCount=5)
    ui.set_value("[data-role=definition-editor]", json.dumps(edited))
    ui.click("[data-role=save-definition]")
    ui.wait(lambda d: api.call("GET", "/metadata/taskdefs/ui_made_in_browser")["retryCount"] == 5)
    ui.open("/definitions?view=tasks")
    ui.wait_text("[data-role=task-defs]", "ui_made_in_browser")


def test_workflow_definition_validation_errors_inline_then_register(ui, api):
    ui.open("/definitions/workflow/new")
    ui.find("[data-role=definition-editor]")
    # Not JSON: the editor says where.
    ui.set_value("[data-role=definition-editor]", '{"name": "ui_rich",\n  "tasks": [ oops ]}')
    ui.wait_text("#def-editor-err", "line 2")
    ui.click("[data-role=save-definition]")
    ui.wait_text("[data-role=validation-errors]", "JSON")

    # JSON, but not a valid definition: the server's message is shown inline.
    bad = {"name": "ui_bad", "version": 1, "tasks": [{"name": "x", "type": "SIMPLE"}]}
    with pytest.raises(ApiError) as refused:
        api.call("POST", "/metadata/workflow/validate", bad)
    message = json.loads(refused.value.body)["message"]
    ui.set_value("[data-role=definition-editor]", json.dumps(bad))
    ui.click("[data-role=validate-definition]")
    ui.wait_text("[data-role=validation-errors]", message)
    ui.click("[data-role=save-definition]")
    ui.wait_text("[data-role=validation-errors]", message)
    with pytest.raises(ApiError):
        api.call("GET", "/metadata/workflow/ui_bad")

    # A definition with every kind of node: preview, validate, register.
    ui.set_value("[data-role=definition-editor]", json.dumps(RICH, indent=2))
    for ref in ("route", "fast_path", "slow_approval", "fan_out", "fan_in", "child", "repeat", "polish", "final_approval"):
        ui.find(f"[data-role=definition-preview] .node[data-ref='{ref}']")
    try:
        api.call("POST", "/metadata/workflow/validate", RICH)
        supported = True
    except ApiError:
        supported = False  # the server may not accept every task type yet; the preview still draws them
    ui.driver.set_window_size(1440, 1900)
    ui.screenshot("definition-editor-rich-diagram")
    ui.driver.set_window_size(1440, 1000)
    if not supported:
        # The server's refusal (unsupported task types) is shown inline, and nothing is registered.
        ui.click("[data-role=validate-definition]")
        ui.wait_text("[data-role=validation-errors]", "not supported")
    else:
        ui.click("[data-role=validate-definition]")
        ui.wait_text("[data-role=editor-status]", "Valid")
        ui.click("[data-role=save-definition]")
        ui.wait(lambda d: "/definitions/workflow/ui_rich" in d.current_url)
        assert api.call("GET", "/metadata/workflow/ui_rich")["version"] == 1

    ui.open("/definitions")
    ui.wait_text("[data-role=workflow-defs]", "ui_two")


def test_edit_workflow_definition_new_version(ui, api):
    ui.open("/definitions/workflow/ui_two")
    ui.wait(lambda d: '"ui_two"' in ui.find("[data-role=definition-editor]").get_attribute("value"))
    current = json.loads(ui.find("[data-role=definition-editor]").get_attribute("value"))
    current["version"] = 2
    current["description"] = "edited in the browser"
    ui.set_value("[data-role=definition-editor]", json.dumps(current, indent=2))
    ui.click("[data-role=save-definition]")
    ui.wait(lambda d: "version=2" in d.current_url)
    assert api.call("GET", "/metadata/workflow/ui_two", query={"version": 2})["description"] == "edited in the browser"
    assert api.call("GET", "/metadata/workflow/ui_two", query={"version": 1})["version"] == 1


def test_run_workflow_page(ui, api):
    ui.open("/run?name=ui_two&version=1")
    ui.wait(lambda d: d.find_element(By.CSS_SELECTOR, "[data-role=run-name]").get_attribute("value") == "ui_two")
    ui.find("[data-role=diagram] .node[data-ref=step]")
    ui.set_value("[data-role=run-input]", "{ not json")
    ui.click("[data-role=run-submit]")
    ui.wait_text("[data-role=run-error]", "Input")
    ui.set_value("[data-role=run-input]", json.dumps({"who": "Grace"}))
    ui.type("[data-role=run-correlation]", "run-page")
    ui.type("[data-role=run-idempotency]", "run-page-key-1")
    ui.screenshot("run-workflow")
    ui.click("[data-role=run-submit]")
    ui.wait(lambda d: "#/execution/" in d.current_url)
    workflow_id = ui.driver.current_url.split("#/execution/")[1].split("?")[0]
    workflow = api.workflow(workflow_id)
    assert workflow["workflowName"] == "ui_two" and workflow["workflowVersion"] == 1
    assert workflow["input"] == {"who": "Grace"}
    assert workflow["correlationId"] == "run-page"
    assert workflow.get("idempotencyKey") == "run-page-key-1"
    ui.wait_text("[data-role=workflow-id]", workflow_id)

    # The same idempotency key again (strategy FAIL) is refused, with the server's message.
    ui.open("/run?name=ui_two")
    ui.wait(lambda d: d.find_element(By.CSS_SELECTOR, "[data-role=run-name]").get_attribute("value") == "ui_two")
    ui.set_value("[data-role=run-input]", json.dumps({"who": "Grace"}))
    ui.type("[data-role=run-idempotency]", "run-page-key-1")
    ui.click("[data-role=run-submit]")
    ui.wait(lambda d: ui.text("[data-role=run-error]").strip() != "")
    assert "/run" in ui.driver.current_url


def test_save_that_completes_after_leaving_the_editor_does_not_pull_back(ui, api):
    """The reply to a save arrives after the user has moved on (a slow network, made so here): they stay where
    they went, and the definition is saved."""
    ui.open("/definitions/task/new")
    ui.find("[data-role=definition-editor]")
    ui.set_value("[data-role=definition-editor]", json.dumps({"name": "ui_saved_late", "retryCount": 1}))
    ui.driver.execute_cdp_cmd("Network.enable", {})
    ui.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1})
    def saved(_):
        try:
            return api.call("GET", "/metadata/taskdefs/ui_saved_late")["retryCount"] == 1
        except ApiError:
            return False

    try:
        ui.click("[data-role=save-definition]")
        ui.driver.execute_script("location.hash = '#/definitions?view=tasks'")
        ui.wait(saved, message="the save to land")
        ui.wait(lambda d: "Saved ui_saved_late" in d.find_element(By.ID, "toasts").text, timeout=15,
                message="the save's reply to arrive")
    finally:
        ui.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    assert ui.driver.current_url.endswith("#/definitions?view=tasks")
    ui.wait_text("[data-role=task-defs]", "ui_saved_late")
