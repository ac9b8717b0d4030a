/** How the consumer CLI shows queues, events and dead letters to a person: aligned plain text. */
import type { DeadLetter } from "./dead-letters.js";
import type { PendingEvent, QueueStatus } from "./inspect.js";
import { streamIdMs } from "./queue-select.js";

const EVENT_WIDTH = 100;

/** A duration for people: `0`, `850 ms`, `12.3 s`, `5 min 3 s`, `2 h 5 min`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return "0";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The local time as `HH:MM:SS`, prefixed to consumer lines. */
export function clock(date = new Date()): string {
  return date.toTimeString().slice(0, 8);
}

/** The queue table of `status`. */
export function formatStatus(queues: readonly QueueStatus[]): string {
  if (queues.length === 0) return "No async queues: no entity of this schema is flushed asynchronously.";
  const rows = queues.map((q) => [
    q.queue,
    q.redisPool,
    q.mysqlPool,
    String(q.pending),
    formatDuration(q.lagMs),
    String(q.deadLetters),
    busiest(q),
  ]);
  return table(["QUEUE", "REDIS", "MYSQL", "PENDING", "LAG", "DEAD", "BUSIEST PARTITIONS"], rows);
}

function busiest(q: QueueStatus): string {
  const top = q.partitions.filter((p) => p.pending > 0).sort((a, b) => b.pending - a.pending).slice(0, 3);
  return top.map((p) => `#${p.partition}: ${p.pending}`).join(", ") || "-";
}

/** The event table of `peek`. */
export function formatPending(events: readonly PendingEvent[], now = Date.now()): string {
  if (events.length === 0) return "No pending events.";
  const rows = events.map((e) => [
    e.id,
    label(e.queue, e.redisPool, events),
    String(e.partition),
    formatDuration(now - streamIdMs(e.id)),
    e.op ?? "?",
    e.entity === undefined ? "(malformed)" : `${e.entity} ${e.rowId}`,
    clip(e.raw),
  ]);
  return table(["ID", "QUEUE", "PART", "AGE", "OP", "ROW", "EVENT"], rows);
}

/** The dead letters of `dead`: one block each, the error and the event on their own lines. */
export function formatDeadLetters(letters: readonly DeadLetter[]): string {
  if (letters.length === 0) return "No dead letters.";
  return letters
    .map((d) =>
      [
        `${d.id}  queue ${label(d.queue, d.redisPool, letters)}  partition ${d.partition}  ${d.row ?? "(malformed event)"}  at ${d.at || "?"}`,
        `  error:  ${d.error || "?"}`,
        `  event:  ${clip(d.event)}`,
        `  source: ${d.source || "?"}`,
      ].join("\n"),
    )
    .join("\n\n");
}

/** One progress line of a running consumer. */
export function formatProgress(queues: readonly QueueStatus[], eventsPerSecond: number | undefined): string {
  const pending = queues.reduce((sum, q) => sum + q.pending, 0);
  const dead = queues.reduce((sum, q) => sum + q.deadLetters, 0);
  const lag = Math.max(0, ...queues.map((q) => q.lagMs));
  const busy = queues.filter((q) => q.pending > 0).map((q) => `${label(q.queue, q.redisPool, queues)} ${q.pending}`);
  const rate = eventsPerSecond === undefined ? "" : `${Math.round(eventsPerSecond)} events/s · `;
  return `${clock()} ${rate}pending ${pending}${busy.length > 0 ? ` (${busy.join(", ")})` : ""} · lag ${formatDuration(lag)} · dead letters ${dead}`;
}

/** `queue`, or `queue@pool` when the list holds that queue name in several Redis pools. */
function label(queue: string, pool: string, all: readonly { readonly queue: string; readonly redisPool: string }[]): string {
  return all.some((x) => x.queue === queue && x.redisPool !== pool) ? `${queue}@${pool}` : queue;
}

function clip(text: string): string {
  return text.length > EVENT_WIDTH ? `${text.slice(0, EVENT_WIDTH - 1)}…` : text;
}

function table(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
