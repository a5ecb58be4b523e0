"""Schedules through OrkesSchedulerClient: the next fire times of a cron expression (nextFewSchedules)."""

import time

from support import api_error


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
