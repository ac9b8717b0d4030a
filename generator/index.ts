/** beeorm-gen as a library: compile `.bee` sources, emit the output files, write them. */
export { compileSchema, renderDiagnostics, type SchemaSource, type CompileResult } from "./compile.js";
export { emitSchema, type EmitOptions } from "./emit/emit-schema.js";
export { OutputCache } from "./emit/output-cache.js";
export { PRETTIER_OPTIONS } from "./emit/format.js";
export { POOL_MARKER } from "./emit/ddl-emitter.js";
export { diffOutput, writeOutput, type OutputDiff } from "./output/write-output.js";
export { runCli, type CliIo } from "./cli/run.js";
export type * from "./model.js";
