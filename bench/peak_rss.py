"""Runs a command and prints its wall time and peak resident set size as JSON on stderr's last line.

getrusage(RUSAGE_CHILDREN) after the wait gives the largest RSS any waited-for descendant reached:
for a Node CLI, the Node process itself (rsync or other grandchildren are counted only if larger).
"""
import json
import resource
import subprocess
import sys
import time

started = time.monotonic()
completed = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False)
wall = time.monotonic() - started
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({'exitCode': completed.returncode, 'seconds': wall, 'peakRssKiB': peak_kib}), file=sys.stderr)
