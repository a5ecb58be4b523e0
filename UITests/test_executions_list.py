"""The executions list: search, paging, sorting and every bulk action, by clicks."""
import pytest
from selenium.webdriver.common.by import By

from definitions import TASK_DEFS, wait_only


@pytest.fixture(scope="module", autouse=True)
def definitions(api):
    api.register_task_defs(TASK_DEFS)
    api.register_workflow(wait_only("ui_bulk"))
    api.register_workflow(wait_only("ui_paging"))


def rows(ui):
    return ui.find_all("[data-role=executions] tbody tr")


def search_correlation(ui, correlation_id, expected):
    ui.open("/executions")
    ui.type("#f-correlation", correlation_id)
    ui.click("[data-role=search]")
    ui.wait(lambda d: len(rows(ui)) == expected and all(correlation_id in r.text for r in rows(ui)),
            message=f"expected {expected} rows for {correlation_id}")


def bulk(ui, action, reason=None):
    """Selects every row on the page, runs a bulk action and returns the result dialog's text."""
    ui.click("[data-role=select-all]")
    ui.click(f"[data-bulk='{action}']")
    if reason:
        ui.type("dialog#dialog[open] [data-role=reason]", reason)
    ui.confirm()
    result = ui.find("dialog#dialog[open] [data-role=bulk-result]").text
    return result


def statuses(api, ids):
    return [api.workflow(i)["status"] for i in ids]


def test_every_bulk_action(ui, api):
    api.register_workflow(wait_only("ui_bulk", 1))
    ids = [api.start("ui_bulk", {"n": i}, correlationId="bulk-batch") for i in range(3)]
    search_correlation(ui, "bulk-batch", 3)
    ui.screenshot("executions-list")

    result = bulk(ui, "pause")
    assert "3 succeeded" in ui.dialog().text
    assert all(i in result for i in ids)
    ui.close_dialog()
    assert statuses(api, ids) == ["PAUSED"] * 3
    ui.wait(lambda d: all("PAUSED" in r.text for r in rows(ui)))

    bulk(ui, "resume")
    ui.close_dialog()
    assert statuses(api, ids) == ["RUNNING"] * 3

    # A refused item is reported with the server's message; the others succeed.
    api.call("PUT", f"/workflow/{ids[0]}/pause")
    result = bulk(ui, "resume")
    assert "1 succeeded, 2 failed" in ui.dialog().text
    failures = ui.find("dialog#dialog[open] [data-role=bulk-failed]").text
    assert ids[1] in failures and ids[2] in failures and ids[0] not in failures
    ui.screenshot("bulk-result")
    ui.close_dialog()
    assert statuses(api, ids) == ["RUNNING"] * 3

    bulk(ui, "terminate", reason="bulk stop")
    ui.close_dialog()
    workflows = [api.workflow(i) for i in ids]
    assert [w["status"] for w in workflows] == ["TERMINATED"] * 3
    assert all("bulk stop" in (w.get("reasonForIncompletion") or "") for w in workflows)

    bulk(ui, "retry")
    ui.close_dialog()
    assert statuses(api, ids) == ["RUNNING"] * 3
    for workflow_id in ids:
        approvals = [t for t in api.workflow(workflow_id)["tasks"] if t["referenceTaskName"] == "approval"]
        assert len(approvals) == 2 and approvals[0]["retried"]

    api.call("POST", "/workflow/bulk/terminate", ids)
    ui.click("[data-role=refresh]")
    bulk(ui, "restart")
    ui.close_dialog()
    workflows = [api.workflow(i) for i in ids]
    assert [w["status"] for w in workflows] == ["RUNNING"] * 3
    assert all(w["workflowVersion"] == 1 and len(w["tasks"]) == 1 for w in workflows)

    api.register_workflow(wait_only("ui_bulk", 2, [{"name": "more", "taskReferenceName": "more", "type": "WAIT"}]))
    api.call("POST", "/workflow/bulk/terminate", ids)
    ui.click("[data-role=refresh]")
    bulk(ui, "restart-latest")
    ui.close_dialog()
    workflows = [api.workflow(i) for i in ids]
    assert [w["status"] for w in workflows] == ["RUNNING"] * 3
    assert all(w["workflowVersion"] == 2 for w in workflows)


def test_search_filters_paging_and_sorting(ui, api):
    ids = [api.start("ui_paging", {"n": i}, correlationId=f"page-{i}") for i in range(12)]
    api.call("DELETE", f"/workflow/{ids[0]}", query={"reason": "for the filter"})
    ui.open("/executions")
    ui.type("#f-names", "ui_paging")
    ui.click("[data-role=search]")
    ui.wait(lambda d: "12 executions" in ui.text("[data-role=result-count]"))
    ui.select(".pager select", "10")
    ui.wait(lambda d: len(rows(ui)) == 10)
    assert "1–10 of 12" in ui.text("[data-role=page-range]")
    # newest first by default
    first_page = [r.get_attribute("data-workflow-id") for r in rows(ui)]
    assert first_page[0] == ids[-1]
    ui.click("[data-role=next-page]")
    ui.wait(lambda d: "11–12 of 12" in ui.text("[data-role=page-range]"))
    assert len(rows(ui)) == 2
    ui.click("[data-role=prev-page]")
    ui.wait(lambda d: "1–10 of 12" in ui.text("[data-role=page-range]"))
    # sort by start time ascending: the oldest first
    ui.click("th [data-sort=startTime]")
    ui.wait(lambda d: rows(ui) and rows(ui)[0].get_attribute("data-workflow-id") == ids[0])
    # status filter
    ui.click("label input[value=TERMINATED]")
    ui.click("[data-role=search]")
    ui.wait(lambda d: len(rows(ui)) == 1 and rows(ui)[0].get_attribute("data-workflow-id") == ids[0])
    # workflow id filter, and the filters survive a reload (they live in the URL)
    ui.click("label input[value=TERMINATED]")
    ui.type("#f-workflow-id", ids[5])
    ui.click("[data-role=search]")
    ui.wait(lambda d: len(rows(ui)) == 1 and rows(ui)[0].get_attribute("data-workflow-id") == ids[5])
    ui.driver.refresh()
    ui.wait(lambda d: len(rows(ui)) == 1 and rows(ui)[0].get_attribute("data-workflow-id") == ids[5])
    # the row links to the execution page
    ui.click(f"[data-role=executions] a[href='#/execution/{ids[5]}']")
    ui.wait_text("[data-role=workflow-id]", ids[5])
