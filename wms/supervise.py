"""Keep child processes running (what `make run` starts): a child that exits is started again after
a pause that grows while it keeps failing (FIRST_PAUSE_S doubling up to LONGEST_PAUSE_S; back to
the first pause once it stayed up STABLE_AFTER_S), with a log line each time. Nothing a child does
stops the others; only `stop()` ends them all (terminate, then kill after a timeout)."""
import subprocess
import sys
import threading
import time

FIRST_PAUSE_S = 1.0
LONGEST_PAUSE_S = 30.0
STABLE_AFTER_S = 60.0
POLL_S = 0.3


def say(message):
    print(f"launcher: {message}", file=sys.stderr, flush=True)


class Program:
    """One supervised child: its command line, environment and working directory."""

    def __init__(self, name, argv, env=None, cwd=None):
        self.name, self.argv, self.env, self.cwd = name, list(argv), env, cwd
        self.process = None
        self.started_at = 0.0
        self.failures = 0          # exits in a row without staying up STABLE_AFTER_S
        self.restarts = 0
        self.restart_at = None     # when a dead child is started again

    def start(self, now):
        self.process = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd)
        self.started_at, self.restart_at = now, None

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def running(self):
        return self.process is not None and self.process.poll() is None


class Supervisor:
    """Start the programs, restart any that exits, stop them all on request."""

    def __init__(self, programs, first_pause=FIRST_PAUSE_S, longest_pause=LONGEST_PAUSE_S,
                 stable_after=STABLE_AFTER_S, clock=time.monotonic, log=say):
        self.programs = {program.name: program for program in programs}
        self.first_pause, self.longest_pause, self.stable_after = first_pause, longest_pause, stable_after
        self.clock, self.log = clock, log
        self.stopping = threading.Event()

    def start(self):
        now = self.clock()
        for program in self.programs.values():
            program.start(now)

    def check(self):
        """One look at every child: note the ones that exited, start again the ones whose pause is over."""
        now = self.clock()
        for program in self.programs.values():
            if self.stopping.is_set():
                return
            if program.restart_at is None and not program.running():
                self._exited(program, now)
            if program.restart_at is not None and now >= program.restart_at:
                program.start(now)
                program.restarts += 1
                self.log(f"{program.name} started again (pid {program.pid}, restart {program.restarts})")

    def _exited(self, program, now):
        stayed_up = now - program.started_at
        program.failures = 1 if stayed_up >= self.stable_after else program.failures + 1
        pause = min(self.longest_pause, self.first_pause * 2 ** (program.failures - 1))
        program.restart_at = now + pause
        self.log(f"{program.name} exited with code {program.process.returncode} after {stayed_up:.0f} s; "
                 f"starting it again in {pause:.0f} s")

    def request_stop(self, *_):
        """Signal handler: the launcher's loop ends and stops everything."""
        self.stopping.set()

    def stop(self, timeout=10.0):
        """End every child: SIGTERM, then SIGKILL for those still there after `timeout`."""
        self.stopping.set()
        running = [program for program in self.programs.values() if program.running()]
        for program in running:
            program.process.terminate()
        deadline = time.monotonic() + timeout
        for program in running:
            try:
                program.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log(f"{program.name} did not stop in {timeout:.0f} s; killing it")
                program.process.kill()
                program.process.wait()
