/**
 * The body of the generated `consumer.ts`: runs the async-flush consumer until SIGINT / SIGTERM
 * (or, with `--drain`, until the queues are empty) with a progress line every few seconds, and
 * the inspection and repair subcommands (status, peek, dead, retry, discard).
 */
import type { Engine } from "../engine.js";
import type { ConsumeOptions, ConsumeResult } from "./consume-types.js";
import { DEFAULT_WORKERS } from "./consume.js";
import { parseConsumerArgs, usage, UsageError, type ConsumerCommand } from "./consumer-cli-args.js";
import { clock, formatDeadLetters, formatPending, formatProgress, formatStatus } from "./consumer-cli-format.js";
import type { QueueStatus } from "./inspect.js";
import { compareStreamIds, queueNames, sortedQueues } from "./queue-select.js";

/** Where the CLI writes, and how an embedding program (or a test) controls it. */
export interface ConsumerCliIo {
  /** Writes one line of output (default: standard output). */
  readonly out: (line: string) => void;
  /** Writes one line of diagnostics (default: standard error). */
  readonly err: (line: string) => void;
  /** Milliseconds between progress lines of a running consumer. Default 5000. */
  readonly progressMs?: number;
  /** Stops a running consumer as SIGINT does. */
  readonly signal?: AbortSignal;
  /** The program name in the usage text. Default `node consumer.js`. */
  readonly program?: string;
}

const PROCESS_IO: ConsumerCliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

type AnyEngine = Engine<unknown>;

/**
 * The body of generated `consumer.ts`: runs this process's command line (runConsumerCli) and sets
 * its exit code. Generated code calls it rather than reading `process` itself, so that it type-checks
 * without Node's typings.
 *
 * @example
 * ```ts
 * import { runConsumerMain } from "beeorm/runtime";
 * import { createEngine } from "./index.js";
 * await runConsumerMain(createEngine);
 * ```
 */
export async function runConsumerMain(createEngine: () => Promise<AnyEngine>): Promise<void> {
  process.exitCode = await runConsumerCli(createEngine, process.argv.slice(2));
}

/**
 * Runs the consumer command line `argv` (without node and the script) and resolves to the exit
 * code: 0 ok, 1 failure, 2 usage error. Pools come from `createEngine`, the schema's: its env()
 * variables and URLs.
 *
 * @example
 * ```ts
 * const code = await runConsumerCli(createEngine, ["status"]);
 * ```
 */
export async function runConsumerCli(createEngine: () => Promise<AnyEngine>, argv: readonly string[], io: ConsumerCliIo = PROCESS_IO): Promise<number> {
  const program = io.program ?? "node consumer.js";
  let command: ConsumerCommand;
  try {
    command = parseConsumerArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`error: ${error.message}\n`);
    io.err(usage(program));
    return 2;
  }
  if (command.kind === "help") {
    io.out(usage(program));
    return 0;
  }
  let engine: AnyEngine;
  try {
    engine = await createEngine();
  } catch (error) {
    io.err(`error: cannot start the engine: ${message(error)}`);
    return 1;
  }
  try {
    return await run(engine, command, io);
  } catch (error) {
    io.err(`error: ${message(error)}`);
    // By name: an application may load two copies of the runtime.
    return error instanceof Error && (error.name === "UnknownQueueError" || error instanceof RangeError) ? 2 : 1;
  } finally {
    await engine.close().catch((error: unknown) => io.err(`error while closing: ${message(error)}`));
  }
}

async function run(engine: AnyEngine, command: Exclude<ConsumerCommand, { kind: "help" }>, io: ConsumerCliIo): Promise<number> {
  switch (command.kind) {
    case "consume":
      return consume(engine, command, io);
    case "status":
      io.out(formatStatus(await engine.asyncQueues()));
      return 0;
    case "peek": {
      const limit = command.limit ?? 20;
      const events = await Promise.all(queuesOf(engine, command.queue).map((queue) => engine.peekAsyncEvents(queue, limit)));
      io.out(formatPending(events.flat().sort((a, b) => compareStreamIds(a.id, b.id)).slice(0, limit)));
      return 0;
    }
    case "dead": {
      const limit = command.limit ?? 100;
      const letters = await Promise.all(queuesOf(engine, command.queue).map((queue) => engine.deadLetters(queue, limit)));
      io.out(formatDeadLetters(letters.flat().slice(0, limit)));
      return 0;
    }
    case "retry":
    case "discard": {
      const moved = command.kind === "retry" ? await engine.retryDeadLetters(command.queue, command.id) : await engine.discardDeadLetters(command.queue, command.id);
      if (command.id !== undefined && moved === 0) {
        io.err(`error: no dead letter ${command.id} in queue ${command.queue} (see \`dead ${command.queue}\`)`);
        return 1;
      }
      io.out(`${command.kind === "retry" ? "Retried" : "Discarded"} ${moved} dead letter${moved === 1 ? "" : "s"} of queue ${command.queue}.`);
      return 0;
    }
  }
}

/** The named queue, or (without a name) every queue of the engine. */
function queuesOf(engine: AnyEngine, queue: string | undefined): string[] {
  return queue === undefined ? [...new Set(sortedQueues(engine).map((q) => q.name))] : [queue];
}

async function consume(engine: AnyEngine, command: Extract<ConsumerCommand, { kind: "consume" }>, io: ConsumerCliIo): Promise<number> {
  const controller = new AbortController();
  const stop = (reason: string): void => {
    if (controller.signal.aborted) return;
    io.out(`${clock()} ${reason}: finishing the current batch, then exiting`);
    controller.abort();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      io.err(`${clock()} ${signal} again: exiting now (nothing is lost: unapplied events stay queued)`);
      process.exit(130);
    }
    stop(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const external = (): void => stop("stop requested");
  io.signal?.addEventListener("abort", external, { once: true });
  if (io.signal?.aborted) external();

  const names = queueNames(sortedQueues(engine));
  const settings = `workers ${command.workers ?? DEFAULT_WORKERS}, batch ${command.batchSize ?? 1000}`;
  io.out(`${clock()} ${command.drain ? "draining" : "consuming"} ${names.length} queue${names.length === 1 ? "" : "s"} (${names.join(", ")}); ${settings}${command.drain ? "" : "; Ctrl-C to stop"}`);
  const progress = new Progress(engine, io);
  const timer = setInterval(() => void progress.tick(), io.progressMs ?? 5000);
  void progress.tick(true);
  const totals = { applied: 0, deadLettered: 0 };
  try {
    for (;;) {
      const result = await consumeOnce(engine, {
        block: !command.drain,
        signal: controller.signal,
        workers: command.workers,
        batchSize: command.batchSize,
        onLog: (line) => io.out(`${clock()} ${line}`),
      }, io);
      totals.applied += result.applied;
      totals.deadLettered += result.deadLettered;
      if (!command.drain || controller.signal.aborted) break;
      // Done when every queue is empty; go round again while the last round made progress
      // (events queued meanwhile). A partition leased by another consumer is left to it.
      const pending = (await engine.asyncQueues()).reduce((sum, q) => sum + q.pending, 0);
      if (pending === 0) break;
      if (result.applied + result.deadLettered === 0) {
        io.out(`${clock()} ${pending} events still queued, in partitions another consumer holds; leaving them to it`);
        break;
      }
    }
  } finally {
    clearInterval(timer);
    progress.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    io.signal?.removeEventListener("abort", external);
  }
  io.out(`${clock()} ${command.drain && !controller.signal.aborted ? "drained" : "stopped"}: ${totals.applied} events applied, ${totals.deadLettered} dead-lettered`);
  if (totals.deadLettered > 0) io.out(`${clock()} see the dead letters with \`dead\`; after fixing their cause, \`retry QUEUE --all\``);
  return 0;
}

/**
 * One run of the consumer. Stopped during an outage, it gives up waiting with the outage's error:
 * nothing was lost (unapplied events stay queued), so that is a clean stop, not a failure.
 */
async function consumeOnce(engine: AnyEngine, options: ConsumeOptions & { readonly signal: AbortSignal }, io: ConsumerCliIo): Promise<ConsumeResult> {
  try {
    return await engine.consumeAsyncFlushEvents(options);
  } catch (error) {
    if (!options.signal.aborted) throw error;
    io.out(`${clock()} stopped while waiting (${message(error)}); unapplied events stay queued`);
    return { applied: 0, deadLettered: 0 };
  }
}

/** Progress lines: throughput from the queues' counters, pending events and lag. */
class Progress {
  private last: { processed: number; at: number } | undefined;
  private running = false;
  private failing = false;
  private closed = false;

  constructor(
    private readonly engine: AnyEngine,
    private readonly io: ConsumerCliIo,
  ) {}

  /** No more lines (the consumer stopped; a tick in flight stays silent). */
  close(): void {
    this.closed = true;
  }

  async tick(quiet = false): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    try {
      const queues: QueueStatus[] = await this.engine.asyncQueues();
      const now = performance.now();
      const processed = queues.reduce((sum, q) => sum + q.processed, 0);
      const rate = this.last === undefined ? undefined : (Math.max(0, processed - this.last.processed) * 1000) / Math.max(1, now - this.last.at);
      this.last = { processed, at: now };
      this.failing = false;
      if (!quiet && !this.closed) this.io.out(formatProgress(queues, rate));
    } catch (error) {
      if (!this.failing && !this.closed) this.io.out(`${clock()} queue status unavailable (${message(error)})`);
      this.failing = true;
    } finally {
      this.running = false;
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0]! : String(error);
}
