"""The Schedules pages: the create form with its live preview, the list (next fire time, pause, resume, delete),
a schedule's page with the executions its slots started."""
import json
import urllib.parse

import pytest
from selenium.webdriver.common.by import By

from conftest import ApiError
from definitions import wait_only

WORKFLOW = "ui_scheduled"
WEEKDAYS = "ui_weekday_mornings"
EVERY_SECOND = "ui_every_second"
ODD = "ui it's \"odd\" <img src=x onerror=alert(1)> named"
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri")


@pytest.fixture(scope="module", autouse=True)
def definitions(api):
    api.register_workflow(wait_only(WORKFLOW))
    yield
    # An every-second schedule left behind would go on starting workflows for the rest of the run.
    for name in (WEEKDAYS, EVERY_SECOND, ODD):
        try:
            api.call("DELETE", "/scheduler/schedules/" + urllib.parse.quote(name, safe=""))
        except ApiError:
            pass


def row(name):
    return f"[data-role=schedules] tr[data-schedule='{name}']"


def refused_message(api, path, query=None, body=None, method="GET"):
    """The server's 400 message for a request, to compare with what the page shows."""
    with pytest.raises(ApiError) as refused:
        api.call(method, path, body, query)
    assert refused.value.status == 400
    return json.loads(refused.value.body)["message"]


def test_create_in_the_form_then_pause_resume_edit_and_open(ui, api):
    ui.open("/schedules")
    active = ui.find(".mainnav a[data-nav=schedules]")
    assert active.get_attribute("aria-current") == "page"
    ui.click("[data-role=new-schedule]")
    ui.wait(lambda d: d.current_url.endswith("#/schedules/new"))

    ui.type("[data-role=schedule-name-input]", WEEKDAYS)
    ui.type("[data-role=schedule-workflow-input]", WORKFLOW)
    assert ui.find("[data-role=schedule-zone-input]").get_attribute("value") == "UTC"

    # The preview: five weekday mornings at nine, as the server computes them.
    ui.type("[data-role=schedule-cron-input]", "0 0 9 * * MON-FRI")
    ui.wait(lambda d: len(ui.find_all("[data-role=preview-times] li")) == 5, message="no five fire times previewed")
    times = [li.text for li in ui.find_all("[data-role=preview-times] li")]
    assert all("09:00:00 UTC" in t and t.startswith(WEEKDAY_NAMES) for t in times), times
    expected = api.call("GET", "/scheduler/nextFewSchedules", query={"cronExpression": "0 0 9 * * MON-FRI", "limit": 5})
    shown = [int(li.get_attribute("data-time")) for li in ui.find_all("[data-role=preview-times] li")]
    assert shown == expected

    # An invalid expression: the preview shows the server's message, and so does Save, which stays on the form.
    message = refused_message(api, "/scheduler/nextFewSchedules", {"cronExpression": "0 0 9 * * FUNDAY"})
    ui.type("[data-role=schedule-cron-input]", "0 0 9 * * FUNDAY")
    ui.wait_text("[data-role=preview-error]", message)
    assert not ui.find_all("[data-role=preview-times] li")
    ui.click("[data-role=save-schedule]")
    ui.wait_text("[data-role=schedule-error]", "FUNDAY")
    assert ui.driver.current_url.endswith("#/schedules/new")
    with pytest.raises(ApiError):
        api.call("GET", f"/scheduler/schedules/{WEEKDAYS}")

    # Input that is not a JSON object is refused before anything is sent.
    ui.type("[data-role=schedule-cron-input]", "0 0 9 * * MON-FRI")
    ui.set_value("[data-role=schedule-input-editor]", "[1, 2]")
    ui.click("[data-role=save-schedule]")
    ui.wait_text("[data-role=schedule-error]", "Workflow input: Must be a JSON object")

    # A zone: the preview reads the expression in that zone (nine in Berlin), and so does the saved schedule.
    ui.set_value("[data-role=schedule-input-editor]", '{"n": 1}')
    ui.type("[data-role=schedule-zone-input]", "Europe/Berlin")
    ui.wait_text("[data-role=preview-note]", "Europe/Berlin")
    ui.wait(lambda d: len(ui.find_all("[data-role=preview-times] li")) == 5
            and all("09:00:00 Europe/Berlin" in li.text for li in ui.find_all("[data-role=preview-times] li")),
            message="the preview is not at nine in Berlin")
    ui.type("[data-role=schedule-correlation-input]", "weekday-run")
    ui.screenshot("schedule-form")
    ui.click("[data-role=save-schedule]")
    ui.wait(lambda d: d.current_url.endswith(f"#/schedules/{WEEKDAYS}"), message="save did not open the schedule")
    ui.wait_text("[data-role=schedule-name]", WEEKDAYS)
    stored = api.call("GET", f"/scheduler/schedules/{WEEKDAYS}")
    assert stored["cronExpression"] == "0 0 9 * * MON-FRI" and stored["zoneId"] == "Europe/Berlin"
    assert stored["startWorkflowRequest"]["name"] == WORKFLOW
    assert stored["startWorkflowRequest"]["input"] == {"n": 1}
    assert stored["startWorkflowRequest"]["correlationId"] == "weekday-run"
    assert not stored["paused"] and stored["nextRunTime"]

    # The list: workflow, expression and zone, the next fire time in the schedule's zone, nothing fired yet.
    ui.open("/schedules")
    ui.wait_text(row(WEEKDAYS) + " [data-role=workflow]", WORKFLOW)
    assert "0 0 9 * * MON-FRI" in ui.text(row(WEEKDAYS) + " [data-role=cron]")
    assert "Europe/Berlin" in ui.text(row(WEEKDAYS) + " [data-role=cron]")
    next_run = ui.find(row(WEEKDAYS) + " [data-role=next-run]")
    assert next_run.get_attribute("data-state") == "scheduled"
    assert "09:00:00 Europe/Berlin" in next_run.text and next_run.text.startswith(WEEKDAY_NAMES)
    assert "not fired yet" in ui.text(row(WEEKDAYS) + " [data-role=last-result]")

    # Pause, with a reason: the list shows it paused.
    ui.click(row(WEEKDAYS) + " [data-action=pause]")
    ui.type("dialog#dialog[open] [data-role=reason]", "public holiday")
    ui.confirm()
    ui.dialog_closed()
    ui.wait(lambda d: ui.find(row(WEEKDAYS) + " [data-role=next-run]").get_attribute("data-state") == "paused")
    ui.wait_text(row(WEEKDAYS) + " [data-role=next-run]", "public holiday")
    stored = api.call("GET", f"/scheduler/schedules/{WEEKDAYS}")
    assert stored["paused"] and stored["pausedReason"] == "public holiday" and "nextRunTime" not in stored
    ui.screenshot("schedules-list-paused")

    # Resume: scheduled again.
    ui.click(row(WEEKDAYS) + " [data-action=resume]")
    ui.wait(lambda d: ui.find(row(WEEKDAYS) + " [data-role=next-run]").get_attribute("data-state") == "scheduled")
    assert not api.call("GET", f"/scheduler/schedules/{WEEKDAYS}")["paused"]

    # Its page, from the list; edit it there (text is shown as text, never as HTML).
    ui.click(row(WEEKDAYS) + " [data-role=schedule-link]")
    ui.wait_text("[data-role=schedule-name]", WEEKDAYS)
    assert "0 0 9 * * MON-FRI" in ui.text("[data-role=schedule-cron]")
    assert '"n": 1' in ui.text("[data-role=schedule-input]")
    assert "No slot has fired yet" in ui.text("main")
    ui.click("[data-action=edit]")
    ui.wait(lambda d: d.current_url.endswith(f"#/schedules/{WEEKDAYS}/edit"))
    ui.wait(lambda d: ui.find("[data-role=schedule-cron-input]").get_attribute("value") == "0 0 9 * * MON-FRI")
    assert ui.find("[data-role=schedule-name-input]").get_attribute("readonly") is not None
    ui.type("[data-role=schedule-description-input]", "Weekdays <b>at nine</b>")
    ui.click("[data-role=save-schedule]")
    ui.wait_text("[data-role=schedule-description]", "Weekdays <b>at nine</b>")
    assert not ui.driver.find_elements(By.CSS_SELECTOR, "[data-role=schedule-description] b")
    stored = api.call("GET", f"/scheduler/schedules/{WEEKDAYS}")
    assert stored["description"] == "Weekdays <b>at nine</b>"
    assert stored["startWorkflowRequest"]["correlationId"] == "weekday-run" and stored["zoneId"] == "Europe/Berlin"
    ui.screenshot("schedule-page")

    # Delete it from its page: after the confirmation, back to the list without it.
    ui.click("[data-action=delete]")
    ui.confirm()
    ui.wait(lambda d: d.current_url.endswith("#/schedules"))
    ui.find("[data-role=schedules], main .empty")
    assert not ui.find_all(row(WEEKDAYS))
    with pytest.raises(ApiError):
        api.call("GET", f"/scheduler/schedules/{WEEKDAYS}")


def test_every_second_schedule_lists_its_executions_and_is_deleted(ui, api):
    api.call("POST", "/scheduler/schedules", {
        "name": EVERY_SECOND, "cronExpression": "* * * * * *", "zoneId": "UTC",
        "startWorkflowRequest": {"name": WORKFLOW, "version": 1, "input": {"n": 2}},
    })
    ui.open(f"/schedules/{EVERY_SECOND}")
    ui.wait_text("[data-role=schedule-name]", EVERY_SECOND)
    executed = "[data-role=schedule-executions] tr[data-state=EXECUTED] [data-role=workflow-link]"
    ui.find(executed, timeout=30)  # the page refreshes itself
    ui.screenshot("schedule-executions")
    link = ui.find(executed)
    workflow_id = link.text
    assert link.get_attribute("href").endswith(f"#/execution/{workflow_id}")
    started = api.workflow(workflow_id)
    assert started["workflowName"] == WORKFLOW and started["input"]["n"] == 2

    # The link opens the execution.
    ui.click(f"{executed}[href='#/execution/{workflow_id}']")
    ui.wait_text("[data-role=workflow-id]", workflow_id)

    # The list shows the last result with a link to its workflow; Delete asks first, then the row is gone.
    ui.open("/schedules")
    ui.wait_text(row(EVERY_SECOND) + " [data-role=last-result]", "EXECUTED")
    ui.find(row(EVERY_SECOND) + " [data-role=last-result] [data-role=workflow-link]")
    ui.click(row(EVERY_SECOND) + " [data-action=delete]")
    assert EVERY_SECOND in ui.dialog().text
    ui.close_dialog()
    assert ui.find_all(row(EVERY_SECOND))
    ui.click(row(EVERY_SECOND) + " [data-action=delete]")
    ui.confirm()
    ui.dialog_closed()
    ui.wait(lambda d: not ui.find_all(row(EVERY_SECOND)), message="the deleted schedule is still listed")
    with pytest.raises(ApiError) as missing:
        api.call("GET", f"/scheduler/schedules/{EVERY_SECOND}")
    assert missing.value.status == 404


def test_a_name_with_quotes_and_markup_is_shown_as_text(ui, api):
    api.call("POST", "/scheduler/schedules", {
        "name": ODD, "cronExpression": "0 0 0 1 1 *", "paused": True,
        "startWorkflowRequest": {"name": WORKFLOW, "input": {}},
    })
    ui.open("/schedules/" + urllib.parse.quote(ODD, safe=""))
    ui.wait(lambda d: ui.text("[data-role=schedule-name]") == ODD)
    assert not ui.driver.find_elements(By.CSS_SELECTOR, "main img")
    # The slot records are searched by the quoted name: no error, just none yet.
    ui.wait_text("main", "No slot has fired yet")
    assert not ui.find_all("[data-role=error-message]")
    ui.open("/schedules")
    ui.wait(lambda d: any(r.get_attribute("data-schedule") == ODD for r in ui.find_all("[data-role=schedules] tbody tr")))
    assert "paused" in [r.get_attribute("data-state") for r in ui.find_all("[data-role=schedules] tbody tr")]
