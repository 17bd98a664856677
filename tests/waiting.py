"""Waiting on other processes (real workers, a live server, another request's thread): poll for
the state that shows the work is done, with a deadline that fails the test. Never a fixed sleep."""

import time

POLL_SECONDS = 0.1


def wait_until(condition, seconds: float = 30.0, what: str = "the condition"):
    """Poll `condition` until it returns something true, and return that; fail the test if it
    does not within `seconds`."""
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds} s"
        time.sleep(POLL_SECONDS)
    return result


def broker_drained(app, workers: int) -> bool:
    """True once no task waits in the broker or is held by a worker: the queue and the
    unacknowledged set are empty (tasks are acknowledged once done), and each of the `workers`
    answers a ping, which it does only between tasks; the queue is read again after the pings
    in case a task that was being handed over added more."""

    def empty() -> bool:
        with app.connection_for_read() as connection:
            client = connection.default_channel.client
            waiting, held = client.pipeline().llen("celery").hlen("unacked").execute()
        return waiting == held == 0

    return empty() and len(app.control.ping(timeout=1)) == workers and empty()
