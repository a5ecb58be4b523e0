"""Every signal through the SDK's WorkflowClient and TaskClient, each checked through get_workflow."""

import socket

from conductor.client.http.models.rerun_workflow_request import RerunWorkflowRequest

from support import (api_error, complete_next, fail_next, poll, poll_none, register_chain, register_task_type,
                     register_workflow, simple, tasks_by_ref, wait, workflow)


def start_chain(metadata_client, workflow_client, unique, refs=("one", "two"), retry_count=0, **kwargs):
    name, task_type = unique("wf"), unique("work")
    register_chain(metadata_client, name, task_type, list(refs), retry_count=retry_count, **kwargs)
    return name, task_type, workflow_client.start_workflow_by_name(name, {"n": 1})


def test_pause_holds_tasks_and_resume_releases_them(metadata_client, workflow_client, task_client, unique):
    _, task_type, workflow_id = start_chain(metadata_client, workflow_client, unique)

    workflow_client.pause_workflow(workflow_id)  # PUT /workflow/{id}/pause with body {}
    assert workflow(workflow_client, workflow_id).status == "PAUSED"
    assert poll_none(task_client, task_type)  # a PAUSED workflow's tasks are held (decisions.md #5)
    workflow_client.pause_workflow(workflow_id)  # pausing again is a no-op, as in Conductor
    assert workflow(workflow_client, workflow_id).status == "PAUSED"

    workflow_client.resume_workflow(workflow_id)
    execution = workflow(workflow_client, workflow_id)
    assert execution.status == "RUNNING"
    task = complete_next(task_client, task_type)
    assert task.workflow_instance_id == workflow_id


def test_resume_of_a_running_workflow_is_409(metadata_client, workflow_client, unique):
    _, _, workflow_id = start_chain(metadata_client, workflow_client, unique)
    error = api_error(workflow_client.resume_workflow, workflow_id)
    assert error.status == 409  # Conductor: 500 (decisions.md #1)
    assert "RUNNING" in error.message
    assert workflow(workflow_client, workflow_id).status == "RUNNING"


def test_terminate_with_a_reason(metadata_client, workflow_client, task_client, unique):
    _, task_type, workflow_id = start_chain(metadata_client, workflow_client, unique)
    workflow_client.terminate_workflow(workflow_id, reason="operator said stop")

    execution = workflow(workflow_client, workflow_id)
    assert execution.status == "TERMINATED"
    assert execution.reason_for_incompletion == "operator said stop"
    assert [t.status for t in execution.tasks] == ["CANCELED"]
    assert execution.end_time > 0
    assert poll_none(task_client, task_type)
    assert api_error(workflow_client.pause_workflow, workflow_id).status == 409


def test_terminate_of_a_completed_workflow_is_409(metadata_client, workflow_client, task_client, unique):
    _, task_type, workflow_id = start_chain(metadata_client, workflow_client, unique, refs=("one",))
    complete_next(task_client, task_type)
    error = api_error(workflow_client.terminate_workflow, workflow_id, reason="too late")
    assert error.status == 409
    assert workflow(workflow_client, workflow_id).status == "COMPLETED"


def test_restart_with_current_and_with_latest_definitions(metadata_client, workflow_client, task_client, unique):
    name, task_type, workflow_id = start_chain(metadata_client, workflow_client, unique, refs=("one",))
    complete_next(task_client, task_type, {"x": 1})
    assert workflow(workflow_client, workflow_id).status == "COMPLETED"
    # A second version of the definition appears after the run.
    register_workflow(metadata_client, name, [simple(task_type, "one"), simple(task_type, "extra")], version=2)

    workflow_client.restart_workflow(workflow_id)  # the definition it ran with (version 1)
    execution = workflow(workflow_client, workflow_id)
    assert (execution.status, execution.workflow_version) == ("RUNNING", 1)
    assert [(t.reference_task_name, t.status) for t in execution.tasks] == [("one", "SCHEDULED")]
    assert execution.input == {"n": 1}
    complete_next(task_client, task_type)
    assert workflow(workflow_client, workflow_id).status == "COMPLETED"

    workflow_client.restart_workflow(workflow_id, use_latest_def=True)  # ?useLatestDefinitions=True
    execution = workflow(workflow_client, workflow_id)
    assert (execution.status, execution.workflow_version) == ("RUNNING", 2)
    complete_next(task_client, task_type)
    complete_next(task_client, task_type)
    execution = workflow(workflow_client, workflow_id)
    assert execution.status == "COMPLETED"
    assert [t.reference_task_name for t in execution.tasks] == ["one", "extra"]


def test_restart_of_a_running_workflow_is_409(metadata_client, workflow_client, unique):
    _, _, workflow_id = start_chain(metadata_client, workflow_client, unique)
    assert api_error(workflow_client.restart_workflow, workflow_id).status == 409


def test_restart_of_a_non_restartable_completed_workflow_is_409(metadata_client, workflow_client, task_client,
                                                                 unique):
    name, task_type = unique("wf"), unique("work")
    register_task_type(metadata_client, task_type)
    register_workflow(metadata_client, name, [simple(task_type, "one")], restartable=False)
    workflow_id = workflow_client.start_workflow_by_name(name, {})
    complete_next(task_client, task_type)
    error = api_error(workflow_client.restart_workflow, workflow_id)
    assert error.status == 409  # Conductor: 404 (decisions.md #3)
    assert workflow(workflow_client, workflow_id).status == "COMPLETED"


def test_rerun_with_new_workflow_input(metadata_client, workflow_client, task_client, unique):
    _, task_type, workflow_id = start_chain(metadata_client, workflow_client, unique, refs=("one",))
    fail_next(task_client, task_type)
    assert workflow(workflow_client, workflow_id).status == "FAILED"

    rerun_id = workflow_client.rerun_workflow(workflow_id, RerunWorkflowRequest(workflow_input={"n": 99},
                                                                                correlation_id="rerun-1"))
    assert rerun_id == workflow_id  # reruns in place
    execution = workflow(workflow_client, workflow_id)
    assert execution.status == "RUNNING"
    assert execution.input == {"n": 99}
    assert execution.correlation_id == "rerun-1"
    assert execution.reason_for_incompletion in (None, "")
    assert execution.last_retried_time and execution.last_retried_time > 0  # Baton sets it on rerun too
    task = poll(task_client, task_type)
    assert task.input_data == {"n": 99}


def test_rerun_from_a_task_with_new_task_input(metadata_client, workflow_client, task_client, unique):
    _, task_type, workflow_id = start_chain(metadata_client, workflow_client, unique, refs=("one", "two"))
    complete_next(task_client, task_type, {"v": 1})
    complete_next(task_client, task_type, {"v": 2})
    before = workflow(workflow_client, workflow_id)
    assert before.status == "COMPLETED"
    first = tasks_by_ref(before)["one"][0]

    workflow_client.rerun_workflow(workflow_id, RerunWorkflowRequest(re_run_from_task_id=first.task_id,
                                                                     task_input={"n": 5, "extra": True}))
    execution = workflow(workflow_client, workflow_id)
    assert execution.status == "RUNNING"
    attempts = tasks_by_ref(execution)
    assert "two" not in attempts  # tasks after the rerun point are removed
    old, new = attempts["one"]
    # decisions.md #19: a new attempt; the replaced one stays, CANCELED and retried.
    assert (old.task_id, old.status, old.retried) == (first.task_id, "CANCELED", True)
    assert (new.status, new.retried_task_id, new.retry_count) == ("SCHEDULED", first.task_id, 1)
    assert new.input_data == {"n": 5, "extra": True}
    task = poll(task_client, task_type)
    assert (task.task_id, task.input_data) == (new.task_id, {"n": 5, "extra": True})


def test_rerun_of_a_running_workflow_from_the_start_is_409(metadata_client, workflow_client, unique):
    _, _, workflow_id = start_chain(metadata_client, workflow_client, unique)
    error = api_error(workflow_client.rerun_workflow, workflow_id, RerunWorkflowRequest(workflow_input={"n": 2}))
    assert error.status == 409
    assert workflow(workflow_client, workflow_id).input == {"n": 1}


def test_retry_from_the_failed_task(metadata_client, workflow_client, task_client, unique):
    _, task_type, workflow_id = start_chain(metadata_client, workflow_client, unique, refs=("one", "two"))
    complete_next(task_client, task_type)
    failed = fail_next(task_client, task_type, reason="disk full")
    execution = workflow(workflow_client, workflow_id)
    assert execution.status == "FAILED"
    assert "disk full" in execution.reason_for_incompletion

    workflow_client.retry_workflow(workflow_id)
    execution = workflow(workflow_client, workflow_id)
    assert execution.status == "RUNNING"
    assert execution.last_retried_time > 0
    old, new = tasks_by_ref(execution)["two"]
    assert (old.task_id, old.retried, old.status) == (failed.task_id, True, "CANCELED")  # decisions.md #19
    assert old.reason_for_incompletion == "disk full"
    assert (new.status, new.retried_task_id) == ("SCHEDULED", failed.task_id)
    assert tasks_by_ref(execution)["one"][0].status == "COMPLETED"  # the completed task is not rerun
    complete_next(task_client, task_type)
    assert workflow(workflow_client, workflow_id).status == "COMPLETED"


def test_retry_with_resume_subworkflow_tasks(metadata_client, workflow_client, task_client, unique):
    # No sub-workflow here: the flag (sent as ?resumeSubworkflowTasks=True) must simply be accepted.
    _, task_type, workflow_id = start_chain(metadata_client, workflow_client, unique, refs=("one",))
    fail_next(task_client, task_type)
    workflow_client.retry_workflow(workflow_id, resume_subworkflow_tasks=True)
    assert workflow(workflow_client, workflow_id).status == "RUNNING"
    complete_next(task_client, task_type)
    assert workflow(workflow_client, workflow_id).status == "COMPLETED"


def test_retry_of_a_running_workflow_is_409(metadata_client, workflow_client, unique):
    _, _, workflow_id = start_chain(metadata_client, workflow_client, unique)
    error = api_error(workflow_client.retry_workflow, workflow_id)
    assert error.status == 409  # Conductor: 404 (decisions.md #2)
    assert workflow(workflow_client, workflow_id).status == "RUNNING"


def start_approval(metadata_client, workflow_client, unique):
    name, task_type = unique("wf"), unique("work")
    register_task_type(metadata_client, task_type)
    register_workflow(metadata_client, name, [wait("approval"), simple(task_type, "after", {"by": "${approval.output.result.by}"})],
                      output_parameters={"approvedBy": "${approval.output.result.by}"})
    return task_type, workflow_client.start_workflow_by_name(name, {})


def test_update_task_by_reference_name(metadata_client, workflow_client, task_client, unique):
    task_type, workflow_id = start_approval(metadata_client, workflow_client, unique)
    waiting = tasks_by_ref(workflow(workflow_client, workflow_id))["approval"][0]
    assert (waiting.task_type, waiting.status) == ("WAIT", "IN_PROGRESS")

    # (Passing worker_id= here makes the SDK 2.0.0 itself raise TypeError; without it, it sends the host name.)
    task_id = task_client.update_task_by_ref_name(workflow_id, "approval", "COMPLETED", {"by": "ada"})
    assert task_id == waiting.task_id
    execution = workflow(workflow_client, workflow_id)
    approval = tasks_by_ref(execution)["approval"][0]
    # The SDK wraps the output: the body it sends is {"result": {...}}.
    assert (approval.status, approval.output_data) == ("COMPLETED", {"result": {"by": "ada"}})
    assert approval.worker_id == socket.gethostname()
    task = poll(task_client, task_type)
    assert task.input_data == {"by": "ada"}
    report_and_finish = task_client.update_task_by_ref_name(workflow_id, "after", "COMPLETED", "done")
    assert report_and_finish == task.task_id
    execution = workflow(workflow_client, workflow_id)
    assert execution.status == "COMPLETED"
    assert execution.output == {"approvedBy": "ada"}


def test_update_task_by_reference_name_errors(metadata_client, workflow_client, task_client, unique):
    _, workflow_id = start_approval(metadata_client, workflow_client, unique)
    error = api_error(task_client.update_task_by_ref_name, workflow_id, "nope", "COMPLETED", {})
    assert error.status == 404  # decisions.md #8
    assert "nope" in error.message
    task_client.update_task_by_ref_name(workflow_id, "approval", "COMPLETED", {"by": "x"})
    error = api_error(task_client.update_task_by_ref_name, workflow_id, "approval", "COMPLETED", {"by": "y"})
    assert error.status == 409  # every attempt under that name is already terminal
    approval = tasks_by_ref(workflow(workflow_client, workflow_id))["approval"][0]
    assert approval.output_data == {"result": {"by": "x"}}


def test_update_task_sync(metadata_client, workflow_client, task_client, unique):
    task_type, workflow_id = start_approval(metadata_client, workflow_client, unique)
    returned = task_client.update_task_sync(workflow_id, "approval", "COMPLETED", {"result": {"by": "grace"}})
    # The /sync form returns the workflow, with its tasks, after the update was applied.
    assert returned is not None
    assert returned.workflow_id == workflow_id
    assert returned.status == "RUNNING"
    assert [(t.reference_task_name, t.status) for t in returned.tasks] == [("approval", "COMPLETED"),
                                                                          ("after", "SCHEDULED")]
    complete_next(task_client, task_type)
    execution = workflow(workflow_client, workflow_id)
    assert (execution.status, execution.output) == ("COMPLETED", {"approvedBy": "grace"})


def test_update_task_by_reference_name_can_fail_the_workflow(metadata_client, workflow_client, task_client, unique):
    _, workflow_id = start_approval(metadata_client, workflow_client, unique)
    task_client.update_task_by_ref_name(workflow_id, "approval", "FAILED_WITH_TERMINAL_ERROR", {"why": "rejected"})
    execution = workflow(workflow_client, workflow_id)
    assert execution.status == "FAILED"
    assert tasks_by_ref(execution)["approval"][0].status == "FAILED_WITH_TERMINAL_ERROR"
