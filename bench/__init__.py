"""The benchmark harness (`bench/run`): load figures, PDF timings and page weight for the
pages that matter, against a bare-Flask floor measured in the same run.

Pure parts (parsing `wrk` output, the results table, `docs/performance.md` markers) live in
`wrk.py` and `report.py` so that tests can check them without timing anything.
"""
