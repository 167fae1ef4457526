"""Runs a command and prints, as JSON on stderr's last line, its wall time and peak memory.

selfHwmKiB: the high-water mark of the command's own process (VmHWM in /proc, read every 20 ms
while it runs: a lower bound within the last 20 ms, and the peak of a Node CLI comes earlier);
peakRssKiB: getrusage(RUSAGE_CHILDREN) after the wait, the largest RSS any waited-for
descendant reached (rsync's processes included, when larger); selfCpuSeconds: the command's
own user and system time (/proc/<pid>/stat, at the last reading), its children's excluded.
"""
import json
import os
import resource
import subprocess
import sys
import time

started = time.monotonic()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
hwm = 0
cpu = 0.0
ticks = os.sysconf('SC_CLK_TCK')
while child.poll() is None:
    try:
        with open(f'/proc/{child.pid}/status', encoding='ascii') as status:
            for line in status:
                if line.startswith('VmHWM:'):
                    hwm = max(hwm, int(line.split()[1]))
        with open(f'/proc/{child.pid}/stat', encoding='ascii') as stat:
            fields = stat.read().rsplit(')', 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / ticks
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    time.sleep(0.02)
wall = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({'exitCode': child.returncode, 'seconds': wall, 'peakRssKiB': peak, 'selfHwmKiB': hwm, 'selfCpuSeconds': cpu}), file=sys.stderr)
