"""Schedules through OrkesSchedulerClient: saved, fired each slot, paused, resumed, searched and deleted, and the next
fire times of a cron expression (nextFewSchedules)."""

import time

from conductor.client.http.models.save_schedule_request import SaveScheduleRequest
from conductor.client.http.models.start_workflow_request import StartWorkflowRequest

from support import api_error, register_workflow, wait


def test_next_few_schedule_execution_times(clients):
    scheduler = clients.get_scheduler_client()
    now = int(time.time() * 1000)
    times = scheduler.get_next_few_schedule_execution_times("0 * * * * *", limit=3)
    assert len(times) == 3
    assert times == sorted(times)
    assert all(t % 60_000 == 0 for t in times), "each at a whole minute"
    assert now < times[0] <= now + 60_000 + 1_000

    ended = scheduler.get_next_few_schedule_execution_times("0 * * * * *", schedule_end_time=times[1])
    assert ended == times[:2], "none after the end time"

    later = scheduler.get_next_few_schedule_execution_times("0 0 9 * * MON-FRI", schedule_start_time=now + 7 * 86_400_000)
    assert len(later) == 5 and later[0] >= now + 7 * 86_400_000


def test_an_invalid_cron_expression_is_a_400(clients):
    scheduler = clients.get_scheduler_client()
    error = api_error(scheduler.get_next_few_schedule_execution_times, "0 0 25 * * *")
    assert error.status == 400
    assert "hour '25'" in error.body


def _report_workflow(metadata_client, name):
    register_workflow(metadata_client, name, [wait("hold")])


def _save(scheduler, name, workflow, cron, **fields):
    request = StartWorkflowRequest(name=workflow, input={"region": "eu"})
    scheduler.save_schedule(SaveScheduleRequest(name=name, cron_expression=cron, start_workflow_request=request, **fields))


def _executions(scheduler, name):
    return scheduler.search_schedule_executions(query=f"scheduleName IN ({name})", sort="scheduledTime:ASC").results


def test_a_schedule_saved_with_the_sdk_starts_its_workflow_each_slot(clients, metadata_client, workflow_client):
    scheduler = clients.get_scheduler_client()
    _report_workflow(metadata_client, "interop_scheduled")
    _save(scheduler, "interop-every-second", "interop_scheduled", "* * * * * *", description="interop")
    saved = scheduler.get_schedule("interop-every-second")
    assert saved.name == "interop-every-second" and saved.cron_expression == "* * * * * *"
    assert saved.zone_id == "UTC" and saved.description == "interop" and not saved.paused
    assert saved.start_workflow_request.name == "interop_scheduled"
    assert [s.name for s in scheduler.get_all_schedules("interop_scheduled")] == ["interop-every-second"]

    deadline = time.time() + 20
    while len(_executions(scheduler, "interop-every-second")) < 2 and time.time() < deadline:
        time.sleep(0.2)
    scheduler.pause_schedule("interop-every-second", reason="enough")
    executions = _executions(scheduler, "interop-every-second")
    assert len(executions) >= 2, "an every-second schedule fired at least twice in 20 s"
    slots = [e.scheduled_time for e in executions]
    assert slots == sorted(set(slots)), "one record per slot"
    assert all(e.state == "EXECUTED" and e.workflow_name == "interop_scheduled" for e in executions)
    first = workflow_client.get_workflow(executions[0].workflow_id, include_tasks=False)
    assert first.input["_scheduledTime"] == executions[0].scheduled_time
    assert first.input["_startedByScheduler"] == "interop-every-second"
    assert first.input["region"] == "eu"

    paused = scheduler.get_schedule("interop-every-second")
    assert paused.paused and paused.paused_reason == "enough"
    scheduler.resume_schedule("interop-every-second")
    assert not scheduler.get_schedule("interop-every-second").paused
    scheduler.delete_schedule("interop-every-second")
    assert api_error(scheduler.get_schedule, "interop-every-second").status == 404


def test_a_slot_whose_workflow_is_gone_is_recorded_failed(clients, metadata_client):
    scheduler = clients.get_scheduler_client()
    _save(scheduler, "interop-missing", "interop_no_such_workflow", "* * * * * *")
    deadline = time.time() + 20
    while not _executions(scheduler, "interop-missing") and time.time() < deadline:
        time.sleep(0.2)
    scheduler.pause_schedule("interop-missing")
    failed = scheduler.search_schedule_executions(query="scheduleName IN (interop-missing) AND state IN (FAILED)")
    assert failed.total_hits >= 1
    assert failed.results[0].workflow_id is None
    assert "No such workflow defined. name=interop_no_such_workflow" in failed.results[0].reason
    assert scheduler.get_schedule("interop-missing").paused, "the schedule is still there, its later slots kept"
    scheduler.delete_schedule("interop-missing")
    assert scheduler.search_schedule_executions(query="scheduleName IN (interop-missing)").total_hits == 0


def test_a_bad_schedule_is_a_400_and_scheduling_pauses_for_admins(clients, metadata_client):
    scheduler = clients.get_scheduler_client()
    error = api_error(_save, scheduler, "interop-bad", "interop_scheduled", "0 0 25 * * *")
    assert error.status == 400 and "hour '25'" in error.body
    scheduler.pause_all_schedules()
    scheduler.resume_all_schedules()
