/**
 * Notices by SMTP (issue 9, item 5), through nodemailer, configured by the environment:
 * - `SMTP_URL`: `smtp://user:password@host:port` (STARTTLS when the server offers it) or `smtps://…` (TLS from the
 *   first byte, usually port 465); user and password are URL-encoded and optional;
 * - `NOTICE_FROM`: the sender, `Library <ill@example.edu>` or a bare address;
 * - `NOTICE_REPLY_TO`: optional, where replies go.
 * A missing or unusable setting is a reason, never an exception: notices are then recorded as not sent. Nothing
 * here ever puts the password (or the whole URL) in a message: errors name the host and port only.
 */
import { createTransport } from 'nodemailer';
import type { MailerSetting, MailResult } from '../../app/notice-mailer.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The address part of `Name <address>` or a bare address; undefined when it is not one. */
function addressOf(text: string): string | undefined {
  const match = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text) ?? /^([^<>\s]+@[^<>\s]+)$/.exec(text);
  return match?.[1];
}

/** SMTP reply codes that mean "this message, never": 5yz (RFC 5321 §4.2.1), except 503, a bad sequence. */
function permanent(error: { responseCode?: number; code?: string }): boolean {
  const code = error.responseCode;
  // A refused login is a setting to fix, not this message's fault: tried again, it goes once the setting is right.
  if (error.code === 'EAUTH' || error.code === 'ENOAUTH') return false;
  return code !== undefined && code >= 500 && code < 600 && code !== 503;
}

export interface SmtpOptions {
  /** How long a connection, the server's greeting, and a quiet socket may take. */
  readonly timeoutMs?: number;
}

export function smtpMailerFromEnv(env: Env, options: SmtpOptions = {}): MailerSetting {
  const text = env.SMTP_URL?.trim();
  if (!text) return { unavailable: 'SMTP_URL is not set, so notices are not sent' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { unavailable: 'SMTP_URL is not an address such as smtp://user:password@mail.example.edu:587' };
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return { unavailable: `SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//` };
  if (!url.hostname) return { unavailable: 'SMTP_URL names no host' };
  const from = env.NOTICE_FROM?.trim();
  if (!from) return { unavailable: 'NOTICE_FROM is not set: notices need a sender address' };
  const fromAddress = addressOf(from);
  if (!fromAddress) return { unavailable: `NOTICE_FROM is not an e-mail address such as "Library <ill@example.edu>": ${from}` };
  const replyTo = env.NOTICE_REPLY_TO?.trim() || undefined;
  if (replyTo && !addressOf(replyTo)) return { unavailable: `NOTICE_REPLY_TO is not an e-mail address: ${replyTo}` };

  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const user = decodeURIComponent(url.username);
  // Three waits at most (connection, greeting, a quiet socket): well inside the worker's 60 s lease on the job.
  const timeout = options.timeoutMs ?? 15_000;
  const transport = createTransport({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    secure,
    ...(user ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // Nothing of ours is attached from files or addresses; nodemailer logs nothing (its debug log shows AUTH).
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
  });
  const description = `${url.protocol}//${url.host}`;
  return {
    mailer: {
      description,
      domain: fromAddress.split('@')[1]!,
      async send(mail): Promise<MailResult> {
        try {
          await transport.sendMail({
            from,
            to: mail.to,
            ...(replyTo ? { replyTo } : {}),
            subject: mail.subject,
            text: mail.text,
            messageId: mail.messageId,
            // RFC 3834: an automatic message, so out-of-office replies are not sent back to the library.
            headers: { 'Auto-Submitted': 'auto-generated' },
          });
          return { ok: true };
        } catch (caught) {
          const error = caught as { message?: string; responseCode?: number; code?: string; response?: string; command?: string };
          const said = error.response ? `: ${error.response}` : error.message ? `: ${error.message}` : '';
          const reason = `the mail server ${description} ${error.command ? `answered ${error.command}` : 'failed'}${said}`;
          return { ok: false, permanent: permanent(error), reason: scrub(reason, url) };
        }
      },
    },
  };
}

/** Belt and braces: whatever a library puts in an error, the password and the user:password pair never leave here. */
function scrub(text: string, url: URL): string {
  let out = text;
  for (const secret of [url.password, decodeURIComponent(url.password)].filter((s) => s.length > 0)) out = out.split(secret).join('***');
  return out.slice(0, 1000);
}
