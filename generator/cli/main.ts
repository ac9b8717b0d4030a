#!/usr/bin/env node
/** The `beeorm-gen` executable. */
import { runCli } from "./run.js";

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
process.exitCode = code;
