/** Which failures of applying events are worth retrying. */

const TRANSIENT_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN",
  "PROTOCOL_CONNECTION_LOST", "PROTOCOL_SEQUENCE_TIMEOUT", "ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT",
  "ER_CON_COUNT_ERROR", "ER_TOO_MANY_USER_CONNECTIONS", "ER_OPTION_PREVENTS_STATEMENT", "ER_READ_ONLY_MODE",
  "ER_SERVER_SHUTDOWN", "ER_QUERY_INTERRUPTED", "ER_CONNECTION_KILLED",
]);

/** MySQL errnos of the same kinds, for errors that carry no code. */
const TRANSIENT_ERRNOS = new Set([1205, 1213, 1040, 1203, 1290, 1836, 1053, 1317, 1927, 2002, 2003, 2006, 2013]);

/**
 * True when the failure says nothing about the events (the server is down, a lock timed out,
 * the connection dropped…): retry later. Anything else (duplicate key, data too long, unknown
 * column…) is permanent: the event goes to the dead letters.
 */
export function isTransient(error: unknown): boolean {
  for (let cause = error, depth = 0; cause !== undefined && cause !== null && depth < 5; depth++) {
    const { code, errno, fatal } = cause as { code?: unknown; errno?: unknown; fatal?: unknown };
    if (typeof code === "string" && TRANSIENT_CODES.has(code)) return true;
    if (typeof errno === "number" && TRANSIENT_ERRNOS.has(errno)) return true;
    if (fatal === true) return true;
    if (cause instanceof Error && /Connection is closed|connect ECONNREFUSED|Stream isn't writeable|max retries per request/i.test(cause.message)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
