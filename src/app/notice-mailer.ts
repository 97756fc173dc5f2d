/**
 * The port to the mail server (issue 9, item 5). The SMTP adapter (`protocols/smtp/mailer.ts`) implements it with
 * nodemailer. Expected failures are results, not exceptions, so the notice records what happened: `permanent`
 * when the server refused the message for good (a 5xx reply), otherwise the job tries again later.
 */

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  /** Plain text. */
  readonly text: string;
  /** `<…@…>`: the same on every try of one notice. */
  readonly messageId: string;
}

export type MailResult = { readonly ok: true } | { readonly ok: false; readonly permanent: boolean; readonly reason: string };

export interface Mailer {
  /** Where notices go, for logs and the staff page: `smtp://host:port`, never the user or password. */
  readonly description: string;
  /** The sender's domain, for Message-IDs. */
  readonly domain: string;
  send(mail: OutgoingMail): Promise<MailResult>;
}

/** Sending notices as configured: a mailer, or the reason there is none ("SMTP_URL is not set"). */
export type MailerSetting = { readonly mailer: Mailer } | { readonly unavailable: string };
