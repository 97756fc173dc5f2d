/**
 * PostgreSQL going away (a restart, a crash, a failover) as one error the rest of Interlend knows:
 * ILL_ERR_DATABASE_UNAVAILABLE, which the edges answer as "send it again shortly" (HTTP 503, NCIP Temporary
 * Processing Failure, ISO 18626 HTTP 503) and the worker retries. Other database errors (a unique violation, a
 * syntax error of ours) are left as they are.
 *
 * It sits between Kysely and pg's Pool: every error of `connect()` means no connection could be had, and a query's
 * error counts when it says the connection died under it (pg's own messages, a socket error code, or the SQLSTATEs
 * of a server shutting down or starting up: class 08 connection exception, 57P01 admin_shutdown, 57P02
 * crash_shutdown, 57P03 cannot_connect_now).
 */
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import { InterlendError } from '../domain/errors.ts';

const UNAVAILABLE_MESSAGE = 'the database is not answering; send this again shortly';

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
const SHUTDOWN_STATES = new Set(['57P01', '57P02', '57P03']);
/** pg's words when a client's connection is gone (pg/lib/client.js, pg-pool). */
const LOST = /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect|Query read timeout)/;

/** Whether a driver error says the connection to the database is gone (or never came). */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SHUTDOWN_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  return LOST.test(error.message);
}

export function databaseUnavailable(cause: unknown): InterlendError {
  return new InterlendError('ILL_ERR_DATABASE_UNAVAILABLE', UNAVAILABLE_MESSAGE, [], { cause });
}

/**
 * The Pool as Kysely sees it, with the errors above translated. A lost COMMIT leaves the caller not knowing whether
 * its work was saved, so the message promises nothing about that: what is sent again must be (and is) idempotent —
 * jobs by key, repeated NCIP and ISO 18626 messages answered alike.
 */
export function guardedPool(pool: { connect(): Promise<PostgresPoolClient & object>; end(): Promise<void> }): PostgresPool {
  // One wrapper per pg client, so Kysely's per-client connection cache keeps working.
  const wrappers = new WeakMap<object, PostgresPoolClient>();
  const wrap = (client: PostgresPoolClient & object): PostgresPoolClient => {
    let wrapper = wrappers.get(client);
    if (!wrapper) {
      wrapper = {
        query: ((sql: unknown, parameters?: ReadonlyArray<unknown>) => {
          // A cursor (streaming) is handed through: Interlend does not stream.
          if (typeof sql !== 'string') return client.query(sql as never);
          return client.query(sql, parameters ?? []).catch((error: unknown) => {
            throw isConnectionLoss(error) ? databaseUnavailable(error) : error;
          });
        }) as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      };
      wrappers.set(client, wrapper);
    }
    return wrapper;
  };
  return {
    async connect() {
      let client: PostgresPoolClient & object;
      try {
        client = await pool.connect();
      } catch (error) {
        throw databaseUnavailable(error);
      }
      return wrap(client);
    },
    end: () => pool.end(),
  };
}
