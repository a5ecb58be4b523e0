"""Sub-workflows driven through the SDK: retry with and without resume_subworkflow_tasks, pause cascade."""

import pytest
from conductor.client.http.models.sub_workflow_params import SubWorkflowParams
from conductor.client.http.models.workflow_task import WorkflowTask

from support import (complete_next, fail_next, poll_none, register_task_type, register_workflow, simple,
                     tasks_by_ref, wait_for_status, workflow)


def start_parent(metadata_client, workflow_client, unique):
    """A parent running a child (one worker task) and then one task of its own."""
    child, parent, task_type = unique("child"), unique("parent"), unique("work")
    register_task_type(metadata_client, task_type)
    register_workflow(metadata_client, child, [simple(task_type, "child_work", {"order": "${workflow.input.order}"})],
                      output_parameters={"result": "${child_work.output.result}"})
    sub = WorkflowTask(name=child, task_reference_name="child", type="SUB_WORKFLOW",
                       sub_workflow_param=SubWorkflowParams(name=child, version=1),
                       input_parameters={"order": "${workflow.input.order}"})
    register_workflow(metadata_client, parent, [sub, simple(task_type, "after", {"fromChild": "${child.output.result}"})],
                      output_parameters={"fromChild": "${child.output.result}"})
    parent_id = workflow_client.start_workflow_by_name(parent, {"order": 7})
    child_id = tasks_by_ref(workflow(workflow_client, parent_id))["child"][0].sub_workflow_id
    assert child_id
    return task_type, parent_id, child_id


def test_a_failed_child_fails_the_parent_and_retry_starts_a_new_child(metadata_client, workflow_client, task_client,
                                                                      unique):
    task_type, parent_id, first_child = start_parent(metadata_client, workflow_client, unique)
    assert workflow(workflow_client, first_child).parent_workflow_id == parent_id
    fail_next(task_client, task_type, reason="no stock")
    wait_for_status(workflow_client, parent_id, "FAILED")
    assert workflow(workflow_client, first_child).status == "FAILED"

    workflow_client.retry_workflow(parent_id)
    parent = workflow(workflow_client, parent_id)
    assert parent.status == "RUNNING"
    second_child = tasks_by_ref(parent)["child"][-1].sub_workflow_id
    assert second_child and second_child != first_child
    complete_next(task_client, task_type, {"result": "ok"})
    wait_for_status(workflow_client, second_child, "COMPLETED")
    complete_next(task_client, task_type)
    parent = wait_for_status(workflow_client, parent_id, "COMPLETED")
    assert parent.output == {"fromChild": "ok"}


def test_retry_with_resume_subworkflow_tasks_retries_the_child_in_place(metadata_client, workflow_client,
                                                                          task_client, unique):
    task_type, parent_id, child_id = start_parent(metadata_client, workflow_client, unique)
    fail_next(task_client, task_type)
    wait_for_status(workflow_client, parent_id, "FAILED")

    workflow_client.retry_workflow(parent_id, resume_subworkflow_tasks=True)
    parent = workflow(workflow_client, parent_id)
    assert parent.status == "RUNNING"
    assert tasks_by_ref(parent)["child"][-1].sub_workflow_id == child_id  # the same child, retried
    assert workflow(workflow_client, child_id).status == "RUNNING"


def test_pause_and_resume_cascade_to_the_child(metadata_client, workflow_client, task_client, unique):
    task_type, parent_id, child_id = start_parent(metadata_client, workflow_client, unique)
    workflow_client.pause_workflow(parent_id)
    assert workflow(workflow_client, parent_id).status == "PAUSED"
    assert workflow(workflow_client, child_id).status == "PAUSED"  # decisions.md #24
    assert poll_none(task_client, task_type)

    workflow_client.resume_workflow(parent_id)
    assert workflow(workflow_client, child_id).status == "RUNNING"
    complete_next(task_client, task_type, {"result": "r"})
    wait_for_status(workflow_client, parent_id, "RUNNING")
    complete_next(task_client, task_type)
    assert wait_for_status(workflow_client, parent_id, "COMPLETED").output == {"fromChild": "r"}


def test_terminate_cascades_to_the_child(metadata_client, workflow_client, unique):
    _, parent_id, child_id = start_parent(metadata_client, workflow_client, unique)
    workflow_client.terminate_workflow(parent_id, reason="stop all")
    assert workflow(workflow_client, parent_id).status == "TERMINATED"
    assert wait_for_status(workflow_client, child_id, "TERMINATED").status == "TERMINATED"
