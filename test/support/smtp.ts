/**
 * A real SMTP server on loopback for the notice tests (the `smtp-server` package), with `mailparser` reading what
 * arrived. It can refuse the next messages with a reply code (451: try later, 550: never), require a login, and
 * be stopped and started again on the same port (the mail server down, then back).
 */
import { type AddressInfo, createServer } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly messageId: string;
  readonly headers: ReadonlyMap<string, unknown>;
  readonly raw: string;
}

export interface TestSmtp {
  readonly port: number;
  /** `smtp://user:password@127.0.0.1:port` (with the login the server asks for, if any). */
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Reply codes for the next messages' DATA, in order (e.g. [451]: the next message is refused once). */
  readonly refusals: number[];
  /** Logins the server refused. */
  readonly refusedLogins: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A port nothing listens on now (taken from the system and given back). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startTestSmtp(options: { port?: number; login?: { user: string; password: string }; started?: boolean } = {}): Promise<TestSmtp> {
  const port = options.port ?? (await freePort());
  const received: ReceivedMail[] = [];
  const refusals: number[] = [];
  let refusedLogins = 0;
  let server: SMTPServer | undefined;
  const make = () =>
    new SMTPServer({
      disabledCommands: options.login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      allowInsecureAuth: true,
      authOptional: !options.login,
      logger: false,
      onAuth(auth, _session, callback) {
        if (options.login && auth.username === options.login.user && auth.password === options.login.password) return callback(null, { user: auth.username });
        refusedLogins++;
        return callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const refusal = refusals.shift();
          if (refusal !== undefined) {
            return callback(Object.assign(new Error(refusal >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: refusal }));
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then(
            (parsed) => {
              received.push({
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                messageId: parsed.messageId ?? '',
                headers: parsed.headers,
                raw,
              });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
  const smtp: TestSmtp = {
    port,
    url: options.login ? `smtp://${encodeURIComponent(options.login.user)}:${encodeURIComponent(options.login.password)}@127.0.0.1:${port}` : `smtp://127.0.0.1:${port}`,
    received,
    refusals,
    get refusedLogins() {
      return refusedLogins;
    },
    async start() {
      server = make();
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, '127.0.0.1', () => resolve());
      });
    },
    async stop() {
      const running = server;
      server = undefined;
      if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
    },
  };
  if (options.started !== false) await smtp.start();
  return smtp;
}
