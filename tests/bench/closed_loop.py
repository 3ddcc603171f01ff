"""Closed-loop HTTP clients for the benchmarks that serve the app with gunicorn: processes of
threads, each thread sending one request after another on fresh connections until a deadline.

`request(args, number, sent)` is a module-level function (the processes are spawned) that sends
one request and returns None when the answer is the expected one, else a short description;
`number` is unique per thread across the processes, `sent` counts that thread's requests. An
exception counts as an error. The result: the good answers' latencies in ms, the number of
errors, and the first error seen (for the report).
"""

import multiprocessing
import os
import threading
import time


def _client_process(request, args, threads: int, seconds: float, out) -> None:
    latencies: list[float] = []
    errors = [0]
    first: list[str] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(number: int) -> None:
        sent = 0
        while time.perf_counter() < stop_at:
            sent += 1
            started = time.perf_counter()
            try:
                problem = request(args, number, sent)
            except Exception as exc:  # counted as an error; one kept for the report
                problem = repr(exc)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if problem is None:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1
                    if not first:
                        first.append(problem)

    workers = [
        threading.Thread(target=client, args=(os.getpid() * 100 + i,)) for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put((latencies, errors[0], first[:1]))


def run_clients(
    request, args, *, clients: int, processes: int, seconds: float
) -> tuple[list[float], int, list[str]]:
    """`clients` closed-loop clients in `processes` processes for `seconds`."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    spawned = [
        context.Process(
            target=_client_process, args=(request, args, clients // processes, seconds, out)
        )
        for _ in range(processes)
    ]
    for process in spawned:
        process.start()
    latencies: list[float] = []
    errors = 0
    first: list[str] = []
    for _ in spawned:
        got, failed, seen = out.get(timeout=seconds + 120)
        latencies += got
        errors += failed
        first += seen
    for process in spawned:
        process.join(timeout=30)
    return latencies, errors, first
