import type { NoticeTemplateView } from '../../app/notice-service.ts';
import { NOTICE_STATUSES } from '../../domain/notices/notice.ts';
import { Layout, type Shell } from '../layout.tsx';
import { type NoticeFormValues, type NoticeRow, noticeTemplateHref, NOTICES_PATH, STATUS_CLASS, STATUS_WORDS } from '../views/notices.ts';

const PAGE_HEADING = 'Notices to patrons';

type Preview = { readonly subject: string; readonly body: string };
type Sending = { readonly sending: true; readonly server: string } | { readonly sending: false; readonly reason: string };

function SendingState({ sending }: { sending: Sending }) {
  return sending.sending ? (
    <p safe>{`Notices are sent by e-mail through ${sending.server}.`}</p>
  ) : (
    <p class="error" role="status" safe>
      {`Notices are not sent: ${sending.reason}. They are recorded below as not sent. Set SMTP_URL and NOTICE_FROM and restart (docs/notices.md).`}
    </p>
  );
}

function Mail({ preview, label }: { preview: Preview; label: string }) {
  return (
    <figure>
      <figcaption class="muted" safe>
        {label}
      </figcaption>
      <div class="mail">
        <strong safe>{`Subject: ${preview.subject}`}</strong>
        {'\n\n'}
        <span safe>{preview.body}</span>
      </div>
    </figure>
  );
}

function Placeholders({ template }: { template: NoticeTemplateView }) {
  return (
    <details class="placeholders">
      <summary>Placeholders of this notice</summary>
      <dl class="fields">
        {template.placeholders.map((p) => (
          <>
            <dt>
              <code safe>{`{{${p.name}}}`}</code>
            </dt>
            <dd safe>{p.meaning}</dd>
          </>
        ))}
      </dl>
      <p class="muted">A line of the text with a placeholder that has no value (no author, no hold-until date) is left out of the notice.</p>
    </details>
  );
}

function TemplateSection({ template, preview, mayWrite }: { template: NoticeTemplateView; preview: Preview; mayWrite: boolean }) {
  const id = `template-${template.type}`;
  return (
    <section id={template.type} aria-labelledby={id} class="card">
      <h2 id={id} safe>
        {template.label}
      </h2>
      <p>
        <span class={`badge ${template.enabled ? 'pass' : 'warn'}`}>{template.enabled ? 'On' : 'Switched off'}</span>{' '}
        <span class="muted" safe>
          {template.isDefault ? 'The text shipped with Interlend.' : `Changed by ${template.updatedBy ?? 'staff'} on ${(template.updatedAt ?? '').slice(0, 10)}.`}
        </span>
        {template.daysBefore !== null ? <span safe>{` Sent ${template.daysBefore} day${template.daysBefore === 1 ? '' : 's'} before the due date.`}</span> : ''}
      </p>
      <Mail preview={preview} label="As a patron would read it, filled with a sample request:" />
      <Placeholders template={template} />
      {mayWrite ? (
        <p>
          <a class="button" href={noticeTemplateHref(template.type)} safe>
            {`Edit the “${template.label}” notice`}
          </a>
        </p>
      ) : (
        ''
      )}
    </section>
  );
}

function NoticeList({ rows, status }: { rows: readonly NoticeRow[]; status: string | undefined }) {
  return (
    <section id="sent" aria-labelledby="sent-heading">
      <h2 id="sent-heading">Recent notices</h2>
      <p class="filters">
        <span>Show:</span>
        <a href={`${NOTICES_PATH}#sent`} aria-current={status ? undefined : 'page'}>
          all
        </a>
        {NOTICE_STATUSES.map((s) => (
          <a href={`${NOTICES_PATH}?status=${s}#sent`} aria-current={status === s ? 'page' : undefined} safe>
            {STATUS_WORDS[s]}
          </a>
        ))}
      </p>
      {rows.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Notice</th>
              <th scope="col">Status</th>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Why</th>
              <th scope="col">Request</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                <td safe>{row.when}</td>
                <td safe>{row.type}</td>
                <td>
                  <span class={`badge ${STATUS_CLASS[row.status]}`} safe>
                    {row.statusWords}
                  </span>
                </td>
                <td safe>{row.to}</td>
                <td safe>{row.subject}</td>
                <td safe>{row.reason}</td>
                <td>
                  {row.requestHref ? (
                    <a href={row.requestHref} safe>
                      {row.requestId}
                    </a>
                  ) : (
                    ''
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No notice yet.</p>
      )}
    </section>
  );
}

export interface NoticesPageProps {
  readonly shell: Shell;
  readonly sending: Sending;
  readonly templates: readonly { readonly template: NoticeTemplateView; readonly preview: Preview }[];
  readonly rows: readonly NoticeRow[];
  readonly status: string | undefined;
  readonly mayWrite: boolean;
  readonly done?: string | undefined;
}

export function NoticesPage(props: NoticesPageProps) {
  return (
    <Layout shell={props.shell}>
      <h1>{PAGE_HEADING}</h1>
      <p class="muted">
        E-mails to patrons when an item is ready for pickup, when a request cannot be filled, and before a due date. Each can be switched off; its text is
        yours to change.
      </p>
      {props.done ? (
        <p class="notice" role="status" safe>
          {props.done}
        </p>
      ) : (
        ''
      )}
      <SendingState sending={props.sending} />
      {props.templates.map(({ template, preview }) => (
        <TemplateSection template={template} preview={preview} mayWrite={props.mayWrite} />
      ))}
      <NoticeList rows={props.rows} status={props.status} />
    </Layout>
  );
}

export interface NoticeFormPageProps {
  readonly shell: Shell;
  readonly template: NoticeTemplateView;
  readonly values: NoticeFormValues;
  /** Problems next to their field (subject, body, daysBefore, enabled). */
  readonly errors: Readonly<Record<string, string>>;
  /** Problems of no field. */
  readonly problems: readonly string[];
  /** The typed text filled with the sample request, after "Preview". */
  readonly preview?: Preview | undefined;
  readonly csrf: string;
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <p class="error" id={`${id}-error`} safe>
      {message}
    </p>
  ) : (
    ''
  );
}

const describedBy = (id: string, error: string | undefined) => [`${id}-help`, ...(error ? [`${id}-error`] : [])].join(' ');

/** One template's form: on or off, subject, text (and for the reminder, how many days before), preview, save. */
export function NoticeFormPage(props: NoticeFormPageProps) {
  const { template, values, errors } = props;
  const refused = Object.keys(errors).length > 0 || props.problems.length > 0;
  const action = noticeTemplateHref(template.type);
  return (
    <Layout shell={props.shell}>
      <p class="muted">
        <a href={`${NOTICES_PATH}#${template.type}`}>{PAGE_HEADING}</a>
      </p>
      <h1 safe>{`The “${template.label}” notice`}</h1>
      {refused ? (
        <div class="error" role="alert">
          <p>Nothing was saved: correct the fields marked below.</p>
          {props.problems.length ? (
            <ul>
              {props.problems.map((p) => (
                <li safe>{p}</li>
              ))}
            </ul>
          ) : (
            ''
          )}
        </div>
      ) : (
        ''
      )}
      <form class="card notice-form" method="post" action={action}>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class={`field check${errors.enabled ? ' invalid' : ''}`}>
          <label for="enabled">Send this notice</label>
          <input id="enabled" name="enabled" type="checkbox" checked={values.enabled} aria-describedby={describedBy('enabled', errors.enabled)} />
          <p class="help" id="enabled-help">
            Unchecked, nothing is sent: each notice of this kind is recorded as skipped.
          </p>
          <FieldError id="enabled" message={errors.enabled} />
        </div>
        {template.type === 'DUE_SOON' ? (
          <div class={`field${errors.daysBefore ? ' invalid' : ''}`}>
            <label for="daysBefore">Days before the due date</label>
            <input
              id="daysBefore"
              name="daysBefore"
              type="text"
              inputmode="numeric"
              value={values.daysBefore}
              aria-describedby={describedBy('daysBefore', errors.daysBefore)}
              aria-invalid={errors.daysBefore ? 'true' : undefined}
            />
            <p class="help" id="daysBefore-help">
              From 1 to 60, in your institution’s calendar: 3 reminds patrons of items due today and in the next three days. One reminder per loan
              and due date; a renewal gets a new one.
            </p>
            <FieldError id="daysBefore" message={errors.daysBefore} />
          </div>
        ) : (
          ''
        )}
        <div class={`field${errors.subject ? ' invalid' : ''}`}>
          <label for="subject">Subject</label>
          <input
            id="subject"
            name="subject"
            type="text"
            value={values.subject}
            maxlength="200"
            aria-describedby={describedBy('subject', errors.subject)}
            aria-invalid={errors.subject ? 'true' : undefined}
          />
          <p class="help" id="subject-help">
            One line. Placeholders such as {'{{title}}'} are filled in for each patron.
          </p>
          <FieldError id="subject" message={errors.subject} />
        </div>
        <div class={`field${errors.body ? ' invalid' : ''}`}>
          <label for="body">Text</label>
          <textarea id="body" name="body" rows="16" aria-describedby={describedBy('body', errors.body)} aria-invalid={errors.body ? 'true' : undefined} safe>
            {values.body}
          </textarea>
          <p class="help" id="body-help">
            Plain text. A line with a placeholder that has no value is left out.
          </p>
          <FieldError id="body" message={errors.body} />
        </div>
        <Placeholders template={template} />
        <div class="submit actions">
          <button type="submit" name="intent" value="save">
            Save
          </button>
          <button type="submit" name="intent" value="preview" class="secondary">
            Preview without saving
          </button>
        </div>
      </form>
      {props.preview ? <Mail preview={props.preview} label="Preview of the text above (not saved), filled with a sample request:" /> : ''}
      {template.isDefault ? (
        ''
      ) : (
        <form method="post" action={`${action}/reset`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <button type="submit" class="secondary">
            Restore the text shipped with Interlend
          </button>
        </form>
      )}
    </Layout>
  );
}
