"""SDK workers (`@worker_task`, `Worker`) run by TaskHandler complete SIMPLE tasks on Baton.

TaskHandler polls with `GET /tasks/poll/batch/{type}` and reports with `POST /tasks/update-v2`.
"""

import pytest
from conductor.client.automator.task_handler import TaskHandler

import workers
from support import register_task_type, register_workflow, simple, tasks_by_ref, wait_for

FINISHED = {"COMPLETED", "FAILED", "TERMINATED", "TIMED_OUT"}


@pytest.fixture(scope="module")
def task_handler(configuration, metadata_client):
    register_task_type(metadata_client, workers.GREET)
    register_task_type(metadata_client, workers.SHOUT)
    register_task_type(metadata_client, workers.FLAKY, retry_count=1)
    register_task_type(metadata_client, workers.REFUSE, retry_count=3)
    register_task_type(metadata_client, workers.PATIENT)
    handler = TaskHandler(workers=[workers.patient_worker()], configuration=configuration,
                          scan_for_annotated_workers=True, monitor_processes=False)
    handler.start_processes()
    try:
        yield handler
    finally:
        handler.stop_processes()
        for process in handler.task_runner_processes + [handler.logger_process]:
            process.join(timeout=10)
            assert not process.is_alive(), "a worker process outlived the test"


def test_workers_complete_a_chain(task_handler, metadata_client, workflow_client, unique):
    name = unique("wf")
    register_workflow(metadata_client, name, [
        simple(workers.GREET, "greet", {"name": "${workflow.input.who}"}),
        simple(workers.SHOUT, "shout", {"text": "${greet.output.greeting}"}),
    ], output_parameters={"greeting": "${greet.output.greeting}", "loud": "${shout.output.result}"})

    ids = [workflow_client.start_workflow_by_name(name, {"who": f"Ada {i}"}) for i in range(5)]
    for i, workflow_id in enumerate(ids):
        execution = wait_for(workflow_client, workflow_id, lambda w: w.status in FINISHED, what="the end")
        assert execution.status == "COMPLETED", execution.reason_for_incompletion
        assert execution.output == {"greeting": f"Hello, Ada {i}!", "loud": f"HELLO, ADA {i}!"}
        assert [t.status for t in execution.tasks] == ["COMPLETED", "COMPLETED"]
        assert all(t.worker_id for t in execution.tasks)


def test_a_raised_exception_fails_the_attempt_and_the_retry_completes(task_handler, metadata_client,
                                                                       workflow_client, unique):
    name = unique("wf")
    register_workflow(metadata_client, name, [simple(workers.FLAKY, "flaky", {})],
                      output_parameters={"attempt": "${flaky.output.attempt}"})
    workflow_id = workflow_client.start_workflow_by_name(name, {})

    execution = wait_for(workflow_client, workflow_id, lambda w: w.status in FINISHED, what="the end")
    assert execution.status == "COMPLETED"
    assert execution.output == {"attempt": 1}
    first, second = tasks_by_ref(execution)["flaky"]
    assert (first.status, first.retried) == ("FAILED", True)
    assert "first attempt always fails" in first.reason_for_incompletion
    assert (second.status, second.retry_count, second.retried_task_id) == ("COMPLETED", 1, first.task_id)


def test_a_non_retryable_exception_fails_the_workflow_without_retry(task_handler, metadata_client,
                                                                    workflow_client, unique):
    name = unique("wf")
    register_workflow(metadata_client, name, [simple(workers.REFUSE, "refuse", {"reason": "${workflow.input.why}"})])
    workflow_id = workflow_client.start_workflow_by_name(name, {"why": "no, never"})

    execution = wait_for(workflow_client, workflow_id, lambda w: w.status in FINISHED, what="the end")
    assert execution.status == "FAILED"
    [task] = execution.tasks
    assert task.status == "FAILED_WITH_TERMINAL_ERROR"
    assert "no, never" in task.reason_for_incompletion
    assert execution.failed_reference_task_names == {"refuse"} or list(execution.failed_reference_task_names) == ["refuse"]


def test_task_in_progress_is_called_back(task_handler, metadata_client, workflow_client, task_client, unique):
    name = unique("wf")
    register_workflow(metadata_client, name, [simple(workers.PATIENT, "patient", {})],
                      output_parameters={"polls": "${patient.output.polls}"})
    workflow_id = workflow_client.start_workflow_by_name(name, {})

    execution = wait_for(workflow_client, workflow_id, lambda w: w.status in FINISHED, what="the end")
    assert execution.status == "COMPLETED"
    assert execution.output == {"polls": 2}
    [task] = execution.tasks
    assert (task.status, task.poll_count, task.output_data) == ("COMPLETED", 2, {"progress": 100, "polls": 2})
    assert [log.log for log in task_client.get_task_logs(task.task_id)] == ["poll 1", "poll 2"]
