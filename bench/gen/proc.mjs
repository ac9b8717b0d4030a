// Child-process helpers for the generator benchmark: timed runs with a hard timeout.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";

/** Children still running, so that an interrupted bench can end them (by pid) on its way out. */
export const liveChildren = new Set();

/**
 * Runs `cmd args` and resolves when it has exited and its output is drained.
 * `ms` is wall time from spawn to exit. Never rejects: a failure shows in `code`/`timedOut`/`error`.
 */
export function runTimed(cmd, args, { cwd, env = process.env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve) => {
    const out = [];
    const err = [];
    let timedOut = false;
    let exitAt;
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    liveChildren.add(child);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (b) => out.push(b));
    child.stderr.on("data", (b) => err.push(b));
    child.on("exit", () => {
      exitAt = performance.now();
    });
    const finish = (code, signal, error) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      resolve({
        code,
        signal,
        error,
        timedOut,
        ms: (exitAt ?? performance.now()) - t0,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    };
    child.on("error", (e) => finish(null, null, e));
    child.on("close", (code, signal) => finish(code, signal, undefined));
  });
}

/** A one-line reason for a failed run, with the tail of its output. */
export function describeFailure(label, r) {
  const why = r.error
    ? `could not start: ${r.error.message}`
    : r.timedOut
      ? `timed out after ${Math.round(r.ms)} ms`
      : `exited with ${r.signal ?? `code ${r.code}`}`;
  const tail = (r.stderr.trim() || r.stdout.trim()).split("\n").slice(-15).join("\n    ");
  return `${label} ${why}${tail ? `\n    ${tail}` : ""}`;
}

/** Ends every child this process started and that is still running. */
export function killLiveChildren() {
  for (const child of liveChildren) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `{ runs, median, min, max }` of a list of milliseconds, rounded to 0.1 ms. */
export function summarize(runs) {
  const r1 = (x) => Math.round(x * 10) / 10;
  return {
    runs: runs.map(r1),
    median: r1(median(runs)),
    min: r1(Math.min(...runs)),
    max: r1(Math.max(...runs)),
  };
}
