#!/usr/bin/python3
"""Each generated step's time inside a network's whole Forward, from a sampling profile (Linux perf).

`--steps` times each step alone, on data already in its caches; inside Forward a step also pays for weights and inputs
that come from L3 or memory, and for what the other thread left in its own cache. This runs `--loop` under `perf record`
for each benchmarks build given and prints, per step method, the calling thread's inclusive time per Forward call, side
by side. The profiler adds 10-40% to every step, so compare builds (or thread counts) with each other, not with
`--quick`.

    /usr/bin/python3 benchmarks/steps-in-forward.py NETWORK THREADS SECONDS BUILD_DIR [BUILD_DIR ...]

BUILD_DIR is a folder holding GroupNetDsl.Benchmarks.dll (for example a copy of
benchmarks/GroupNetDsl.Benchmarks/bin/Release/net10.0 made before a change). Needs `perf` (Debian: linux-perf).
A step method that the JIT inlined into the network's RunLayers has no frame of its own and is not listed (the small
seed networks' steps, such as MiniGroupNet's); the torchvision networks' steps are.
"""
import os
import re
import subprocess
import sys
import tempfile


def profile(build, network, threads, seconds):
    """Runs --loop under perf and returns (calls, {step: µs per call})."""
    env = dict(os.environ, DOTNET_TieredCompilation="0", DOTNET_EnableWriteXorExecute="0", DOTNET_PerfMapEnabled="1")
    with tempfile.NamedTemporaryFile(suffix=".data") as data:
        loop = subprocess.run(["perf", "record", "-F", "2000", "-g", "-o", data.name, "dotnet",
                               os.path.join(build, "GroupNetDsl.Benchmarks.dll"), "--loop", network, str(seconds), str(threads)],
                              env=env, capture_output=True, text=True, check=True)
        calls = int(re.search(r"(\d+) calls", loop.stdout).group(1))
        report = subprocess.run(["perf", "report", "-i", data.name, "--children", "--sort", "pid,sym", "-g", "none"],
                                capture_output=True, text=True, check=True).stdout
    # cpu-clock's event count is in nanoseconds.
    total = int(re.search(r"Event count \(approx.\): (\d+)", report).group(1))
    steps = {}
    for line in report.splitlines():
        # The calling thread's samples ("dotnet"), in a method of the generated class (a step) but not Forward itself.
        match = re.match(r"\s*([\d.]+)%\s+[\d.]+%\s+\d+:dotnet\s+.*\.(\w+)::(\w+)\(", line)
        if not match or match.group(2) != network or match.group(3) in ("Forward", "RunLayers", "Load") or "ForwardImage" in line:
            continue
        steps[match.group(3)] = steps.get(match.group(3), 0) + float(match.group(1)) / 100 * total / calls / 1000
    return calls, steps


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    network, threads, seconds, builds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
    runs = [profile(build, network, threads, seconds) for build in builds]
    print(f"{network}, {threads} thread(s), µs per Forward with the profiler; Forward calls in {seconds:g} s: "
          + ", ".join(str(calls) for calls, _ in runs))
    names = sorted({name for _, steps in runs for name in steps}, key=lambda name: -runs[0][1].get(name, 0))
    for name in names:
        print(" ".join(f"{steps.get(name, 0):9.1f}" for _, steps in runs), " ", name)
    print(" ".join(f"{sum(steps.values()):9.1f}" for _, steps in runs), "  (sum of the steps)")


if __name__ == "__main__":
    main()
