"""gunicorn's settings for the benchmarks' servers (JCM and the bare Flask app alike; tests/perf/bench_writers.serve).

Once a worker has loaded the application, everything it holds then — modules, the app, its routes, the database
engine — is moved out of the garbage collector's reach (gc.freeze()): a full collection no longer walks the whole
loaded program after requests that made many objects (a page of hundreds of rows), only what the requests made. It
is done here, in the worker, not in create_app: the tests make thousands of apps in one process, and a frozen
object is never collected.
"""

import gc


def post_worker_init(worker) -> None:
    gc.freeze()
