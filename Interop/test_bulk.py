"""The bulk resource through the SDK's generated WorkflowBulkResourceApi."""

from support import complete_next, fail_next, register_chain, workflow

UNKNOWN = "00000000-0000-0000-0000-000000000000"


def start_many(metadata_client, workflow_client, unique, count=3):
    name, task_type = unique("wf"), unique("work")
    register_chain(metadata_client, name, task_type, ["one"])
    return task_type, [workflow_client.start_workflow_by_name(name, {"n": i}) for i in range(count)]


def statuses(workflow_client, ids):
    return [workflow(workflow_client, workflow_id).status for workflow_id in ids]


def test_bulk_pause_resume_and_terminate(metadata_client, workflow_client, bulk_api, unique):
    _, ids = start_many(metadata_client, workflow_client, unique)

    response = bulk_api.pause_workflow(ids + [UNKNOWN])
    assert sorted(response.bulk_successful_results) == sorted(ids)
    assert list(response.bulk_error_results) == [UNKNOWN]
    assert statuses(workflow_client, ids) == ["PAUSED"] * 3

    response = bulk_api.resume_workflow(ids)
    assert sorted(response.bulk_successful_results) == sorted(ids)
    assert response.bulk_error_results == {}
    assert statuses(workflow_client, ids) == ["RUNNING"] * 3

    # A refused signal is reported per id: resuming RUNNING workflows fails for each of them.
    response = bulk_api.resume_workflow(ids[:1])
    assert response.bulk_successful_results == []
    assert ids[0] in response.bulk_error_results

    response = bulk_api.terminate(ids, reason="bulk stop")
    assert sorted(response.bulk_successful_results) == sorted(ids)
    for workflow_id in ids:
        execution = workflow(workflow_client, workflow_id)
        assert (execution.status, execution.reason_for_incompletion) == ("TERMINATED", "bulk stop")


def test_bulk_restart_and_retry(metadata_client, workflow_client, task_client, bulk_api, unique):
    task_type, ids = start_many(metadata_client, workflow_client, unique, count=2)
    for _ in ids:
        fail_next(task_client, task_type)
    assert statuses(workflow_client, ids) == ["FAILED"] * 2

    response = bulk_api.retry(ids)
    assert sorted(response.bulk_successful_results) == sorted(ids)
    assert statuses(workflow_client, ids) == ["RUNNING"] * 2
    for _ in ids:
        complete_next(task_client, task_type)
    assert statuses(workflow_client, ids) == ["COMPLETED"] * 2

    response = bulk_api.restart(ids, use_latest_definitions=True)
    assert sorted(response.bulk_successful_results) == sorted(ids)
    for workflow_id in ids:
        execution = workflow(workflow_client, workflow_id)
        assert execution.status == "RUNNING"
        assert [t.status for t in execution.tasks] == ["SCHEDULED"]

    response = bulk_api.restart(ids + [UNKNOWN])  # RUNNING ones cannot be restarted
    assert response.bulk_successful_results == []
    assert sorted(response.bulk_error_results) == sorted(ids + [UNKNOWN])
