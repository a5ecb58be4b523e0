"""Starting workflows, reading and searching them, and the task client's calls."""

import json

from conductor.client.http.models.start_workflow_request import IdempotencyStrategy, StartWorkflowRequest

from support import (api_error, complete_next, poll, poll_none, register_chain, report, tasks_by_ref, workflow)


def test_start_by_name_with_version_correlation_id_and_priority(metadata_client, workflow_client, unique):
    name, task_type = unique("wf"), unique("work")
    register_chain(metadata_client, name, task_type, ["one"])

    workflow_id = workflow_client.start_workflow_by_name(name, {"n": 7}, version=1, correlationId="order-1",
                                                         priority=5)
    assert isinstance(workflow_id, str) and len(workflow_id) > 0

    execution = workflow(workflow_client, workflow_id)
    assert execution.workflow_id == workflow_id
    assert execution.status == "RUNNING"
    assert execution.workflow_name == name
    assert execution.workflow_version == 1
    assert execution.input == {"n": 7}
    assert execution.correlation_id == "order-1"
    assert execution.priority == 5
    assert isinstance(execution.create_time, int) and execution.create_time > 0
    assert [(t.reference_task_name, t.status, t.input_data) for t in execution.tasks] == [("one", "SCHEDULED", {"n": 7})]
    assert execution.workflow_definition is not None and execution.workflow_definition.name == name


def test_start_with_a_start_workflow_request(metadata_client, workflow_client, task_client, unique):
    name, task_type = unique("wf"), unique("work")
    register_chain(metadata_client, name, task_type, ["one"])
    request = StartWorkflowRequest(name=name, version=1, input={"n": 3}, correlation_id="c-2", priority=9,
                                   task_to_domain={task_type: "blue"})
    workflow_id = workflow_client.start_workflow(request)

    execution = workflow(workflow_client, workflow_id)
    assert (execution.status, execution.input, execution.correlation_id, execution.priority) == \
        ("RUNNING", {"n": 3}, "c-2", 9)
    assert execution.task_to_domain == {task_type: "blue"}
    assert execution.tasks[0].domain == "blue"
    assert poll_none(task_client, task_type)  # the task waits in the "blue" domain only
    task = task_client.poll_task(task_type, worker_id="interop-worker", domain="blue")
    assert task.task_id == execution.tasks[0].task_id
    assert task.workflow_priority == 9


def test_start_with_an_idempotency_key(metadata_client, workflow_client, unique):
    name, task_type = unique("wf"), unique("work")
    register_chain(metadata_client, name, task_type, ["one"])
    key = unique("key")
    first = workflow_client.start_workflow(StartWorkflowRequest(name=name, input={"n": 1}, idempotency_key=key,
                                                                idempotency_strategy=IdempotencyStrategy.RETURN_EXISTING))
    again = workflow_client.start_workflow(StartWorkflowRequest(name=name, input={"n": 2}, idempotency_key=key,
                                                                idempotency_strategy=IdempotencyStrategy.RETURN_EXISTING))
    assert again == first
    # The SDK's default strategy is FAIL: a second start with the same key is refused.
    error = api_error(workflow_client.start_workflow, StartWorkflowRequest(name=name, idempotency_key=key))
    assert error.status == 409
    assert workflow(workflow_client, first).input == {"n": 1}


def test_get_without_tasks_and_status_summary(metadata_client, workflow_client, task_client, unique):
    name, task_type = unique("wf"), unique("work")
    register_chain(metadata_client, name, task_type, ["one"], output_parameters={"answer": "${one.output.answer}"})
    workflow_id = workflow_client.start_workflow_by_name(name, {"n": 1}, correlationId="c-3")

    # include_tasks=False leaves `includeTasks` out of the URL, so Conductor's default (true) applies.
    assert workflow_client.get_workflow(workflow_id, include_tasks=False).status == "RUNNING"

    complete_next(task_client, task_type, {"answer": 42})
    status = workflow_client.get_workflow_status(workflow_id, include_output=True, include_variables=True)
    assert (status.workflow_id, status.status, status.correlation_id) == (workflow_id, "COMPLETED", "c-3")
    assert status.output == {"answer": 42}


def test_a_chain_runs_to_completion_with_the_task_client(metadata_client, workflow_client, task_client, unique):
    name, task_type = unique("wf"), unique("work")
    register_chain(metadata_client, name, task_type, ["one", "two"],
                   output_parameters={"total": "${two.output.total}", "first": "${one.output}"})
    workflow_id = workflow_client.start_workflow_by_name(name, {"n": 2})

    assert task_client.get_queue_size_for_task(task_type) == 1
    task = poll(task_client, task_type)
    assert (task.workflow_instance_id, task.reference_task_name, task.status) == (workflow_id, "one", "IN_PROGRESS")
    assert task.input_data == {"n": 2}
    assert task.worker_id == "interop-worker"
    assert [p.worker_id for p in task_client.get_task_poll_data(task_type)] == ["interop-worker"]

    task_client.add_task_log(task.task_id, "step one done")
    assert [log.log for log in task_client.get_task_logs(task.task_id)] == ["step one done"]
    assert report(task_client, task, "COMPLETED", {"total": 1}) == task.task_id
    read_back = task_client.get_task(task.task_id)
    assert (read_back.status, read_back.output_data) == ("COMPLETED", {"total": 1})

    batch = task_client.batch_poll_tasks(task_type, worker_id="interop-worker", count=5, timeout_in_millisecond=200)
    assert [t.reference_task_name for t in batch] == ["two"]
    report(task_client, batch[0], "COMPLETED", {"total": 3})

    execution = workflow(workflow_client, workflow_id)
    assert execution.status == "COMPLETED"
    assert execution.output == {"total": 3, "first": {"total": 1}}
    assert [t.status for t in execution.tasks] == ["COMPLETED", "COMPLETED"]
    assert execution.end_time >= execution.create_time > 0
    assert tasks_by_ref(execution)["two"][0].output_data == {"total": 3}


def test_search_and_correlation_lookups(metadata_client, workflow_client, task_client, unique):
    name, task_type = unique("wf"), unique("work")
    register_chain(metadata_client, name, task_type, ["one"])
    correlation = unique("corr")
    running = workflow_client.start_workflow_by_name(name, {"n": 1}, correlationId=correlation)
    finished = workflow_client.start_workflow_by_name(name, {"n": 2}, correlationId=correlation)
    task = poll(task_client, task_type)
    report(task_client, task, "COMPLETED", {})
    completed_id = task.workflow_instance_id
    still_running = finished if completed_id == running else running

    # Answered from the primary store: a write is visible to the very next search.
    # (The SDK's ScrollableSearchResultWorkflowSummary has no totalHits: it reads `results` and `queryId` only.)
    everything = workflow_client.search(query=f"workflowType IN ({name})")
    assert sorted(s.workflow_id for s in everything.results) == sorted([running, finished])
    summary = next(s for s in everything.results if s.workflow_id == completed_id)
    assert (summary.workflow_type, summary.version, summary.status, summary.correlation_id) == \
        (name, 1, "COMPLETED", correlation)
    assert json.loads(summary.input) in ({"n": 1}, {"n": 2})  # summaries carry input and output as JSON text
    assert summary.input_size == len(summary.input) and summary.output_size == len(summary.output)
    assert summary.start_time.endswith("Z") and summary.end_time.endswith("Z")  # ISO-8601 UTC strings

    only_running = workflow_client.search(query=f"workflowType IN ({name}) AND status IN (RUNNING)")
    assert [s.workflow_id for s in only_running.results] == [still_running]
    paged = workflow_client.search(start=1, size=1, query=f"workflowType = '{name}'")
    assert len(paged.results) == 1
    by_text = workflow_client.search(free_text=correlation)
    assert sorted(s.workflow_id for s in by_text.results) == sorted([running, finished])

    by_correlation = workflow_client.get_by_correlation_ids(name, [correlation], include_completed=True)
    assert sorted(w.workflow_id for w in by_correlation[correlation]) == sorted([running, finished])
    running_only = workflow_client.get_by_correlation_ids(name, [correlation])
    assert [w.workflow_id for w in running_only[correlation]] == [still_running]


def test_remove_workflow(metadata_client, workflow_client, unique):
    name, task_type = unique("wf"), unique("work")
    register_chain(metadata_client, name, task_type, ["one"])
    workflow_id = workflow_client.start_workflow_by_name(name, {})
    workflow_client.terminate_workflow(workflow_id, reason="cleanup")
    workflow_client.delete_workflow(workflow_id)  # DELETE /workflow/{id}/remove?archiveWorkflow=True, body {}
    assert api_error(workflow_client.get_workflow, workflow_id).status == 404


def test_start_with_an_inline_definition(metadata_client, workflow_client, task_client, unique):
    from conductor.client.http.models.workflow_def import WorkflowDef
    from support import register_task_type, simple
    task_type = unique("work")
    register_task_type(metadata_client, task_type)
    definition = WorkflowDef(name=unique("inline"), version=1, tasks=[simple(task_type, "only")],
                             output_parameters={"v": "${only.output.v}"})
    workflow_id = workflow_client.start_workflow(StartWorkflowRequest(name=definition.name, workflow_def=definition,
                                                                      input={"n": 4}))
    complete_next(task_client, task_type, {"v": "inline"})
    execution = workflow(workflow_client, workflow_id)
    assert (execution.status, execution.output, execution.workflow_name) == ("COMPLETED", {"v": "inline"},
                                                                             definition.name)


def test_update_task_v2_returns_the_next_task(metadata_client, workflow_client, configuration, unique):
    # The worker framework's default report path; called here through the SDK's generated TaskResourceApi.
    from conductor.client.http.api.task_resource_api import TaskResourceApi
    from conductor.client.http.api_client import ApiClient
    from conductor.client.http.models.task_result import TaskResult
    tasks = TaskResourceApi(ApiClient(configuration))
    name, task_type = unique("wf"), unique("work")
    register_chain(metadata_client, name, task_type, ["one", "two"])
    workflow_id = workflow_client.start_workflow_by_name(name, {"n": 1})
    [first] = tasks.batch_poll(task_type, workerid="interop-worker", count=1, timeout=100)

    second = tasks.update_task_v2(body=TaskResult(workflow_instance_id=workflow_id, task_id=first.task_id,
                                                  status="COMPLETED", output_data={"a": 1}, worker_id="interop-worker"))
    assert (second.reference_task_name, second.status) == ("two", "IN_PROGRESS")  # already handed to this worker
    last = tasks.update_task_v2(body=TaskResult(workflow_instance_id=workflow_id, task_id=second.task_id,
                                                status="COMPLETED", output_data={}, worker_id="interop-worker"))
    assert last is None  # 204: nothing more of this type
    assert workflow(workflow_client, workflow_id).status == "COMPLETED"
