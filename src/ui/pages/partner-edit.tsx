import type { Children } from '@kitajs/html';
import { StaleNotice, VersionField } from '../components/stale.tsx';
import { Layout, type Shell } from '../layout.tsx';
import type { StaleView } from '../views/stale.ts';
import type { PartnerDoctorView } from '../views/partner-doctor.ts';
import { type FieldView, REMOVE_PREFIX, type SectionView } from '../views/partner-form.ts';

const describedBy = (field: FieldView, extra: string[] = []) => [...extra, `${field.id}-help`, ...(field.error ? [`${field.id}-error`] : [])].join(' ');

function secretStateText(field: FieldView): string {
  const noun = field.spec.kind.type === 'secret' ? field.spec.kind.noun : 'secret';
  const state = field.secret ?? { set: false };
  if (!state.set) return `No ${noun} is set.`;
  const where = state.env ? `A ${noun} is set: the environment variable \${${state.env}}.` : `A ${noun} is set (it is never shown).`;
  return `${where} Leave this field empty to keep it.`;
}

/** One field of the form: label, input, the guide's help, and the problem next to it. */
export function PartnerField({ field }: { field: FieldView }) {
  const kind = field.spec.kind;
  const invalid = field.error ? 'true' : undefined;
  let input: JSX.Element;
  if (field.spec.fixed) {
    input = <input id={field.id} type="text" value={field.display} readonly aria-describedby={describedBy(field)} />;
  } else if (kind.type === 'checkbox') {
    input = <input id={field.id} name={field.spec.path} type="checkbox" checked={field.checked} aria-describedby={describedBy(field)} aria-invalid={invalid} />;
  } else if (kind.type === 'select' || kind.type === 'ref') {
    input = (
      <select id={field.id} name={field.spec.path} aria-describedby={describedBy(field)} aria-invalid={invalid}>
        {field.options.map((o) => (
          <option value={o.value} selected={o.value === field.value} safe>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (kind.type === 'lines') {
    input = (
      <textarea id={field.id} name={field.spec.path} rows="3" aria-describedby={describedBy(field)} aria-invalid={invalid} safe>
        {field.value}
      </textarea>
    );
  } else if (kind.type === 'secret') {
    input = (
      <input id={field.id} name={field.spec.path} type="password" value="" autocomplete="new-password" aria-describedby={describedBy(field, [`${field.id}-state`])} aria-invalid={invalid} />
    );
  } else {
    input = (
      <input
        id={field.id}
        name={field.spec.path}
        type="text"
        inputmode={kind.type === 'number' ? 'numeric' : undefined}
        value={field.value}
        spellcheck={kind.type === 'text' && kind.raw ? 'false' : undefined}
        aria-describedby={describedBy(field)}
        aria-invalid={invalid}
      />
    );
  }
  return (
    <div class={`field${kind.type === 'checkbox' ? ' check' : ''}${field.error ? ' invalid' : ''}`}>
      <label for={field.id} safe>
        {field.spec.label}
      </label>
      {input}
      {kind.type === 'secret' ? (
        <>
          <p class="secret-state" id={`${field.id}-state`} safe>
            {secretStateText(field)}
          </p>
          {field.secret?.set ? (
            <label class="inline">
              <input type="checkbox" name={REMOVE_PREFIX + field.spec.path} checked={field.remove} /> <span safe>{`Remove the ${kind.noun}`}</span>
            </label>
          ) : (
            ''
          )}
        </>
      ) : (
        ''
      )}
      <p class="help" id={`${field.id}-help`} safe>
        {field.spec.help}
      </p>
      {field.error ? (
        <p class="error" id={`${field.id}-error`} safe>
          {field.error}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}

/** A refused form's summary: the fields say what is wrong with them; the problems of no field are listed here. */
export function NothingSaved({ problems, children }: { problems: readonly string[]; children?: Children }) {
  return (
    <div class="error" role="alert">
      <p>Nothing was saved: correct the fields marked below.</p>
      {problems.length ? (
        <ul>
          {problems.map((p) => (
            <li safe>{p}</li>
          ))}
        </ul>
      ) : (
        ''
      )}
      {children}
    </div>
  );
}

/** A field as text, for roles that may not change partners. */
function ReadOnlyField({ field }: { field: FieldView }) {
  const value = field.spec.kind.type === 'secret' ? secretStateText(field).replace(/ Leave this field empty to keep it\.$/, '') : field.display;
  return (
    <>
      <dt safe>{field.spec.label}</dt>
      <dd>
        <span class="value" safe>
          {value}
        </span>
        <span class="help" safe>
          {field.spec.help}
        </span>
      </dd>
    </>
  );
}

/** The sections grouped under their tab's heading, as the guide lays out the partner profile. */
function Tabs({ sections, editable }: { sections: readonly SectionView[]; editable: boolean }) {
  const tabs: { tab: string; sections: SectionView[] }[] = [];
  for (const section of sections) {
    const last = tabs.at(-1);
    if (last && last.tab === section.spec.tab) last.sections.push(section);
    else tabs.push({ tab: section.spec.tab, sections: [section] });
  }
  return (
    <>
      {tabs.map((t) => (
        <section class="tab" aria-labelledby={`tab-${t.sections[0]!.spec.id}`}>
          <h2 id={`tab-${t.sections[0]!.spec.id}`} safe>
            {t.tab}
          </h2>
          {t.sections.map((section) =>
            editable ? (
              <fieldset class="card grid partner-section" id={`section-${section.spec.id}`}>
                <legend safe>{section.spec.title}</legend>
                {section.fields.map((field) => (
                  <PartnerField field={field} />
                ))}
              </fieldset>
            ) : (
              <div class="card partner-section" id={`section-${section.spec.id}`}>
                <h3 safe>{section.spec.title}</h3>
                <dl class="fields">
                  {section.fields
                    .filter((f) => !f.hidden)
                    .map((field) => (
                      <ReadOnlyField field={field} />
                    ))}
                </dl>
              </div>
            ),
          )}
        </section>
      ))}
    </>
  );
}

function Findings({ checks }: { checks: PartnerDoctorView['view']['checks'] }) {
  if (!checks.length) return <></>;
  return (
    <ul class="findings">
      {checks.map((c) => (
        <li class={`check ${c.status}`}>
          <span class={`badge ${c.status}`} safe>
            {c.statusLabel}
          </span>{' '}
          <strong safe>{c.title}</strong> <span safe>{`— ${c.message}`}</span> <span class="muted" safe>{`(${c.guideStep})`}</span>
        </li>
      ))}
    </ul>
  );
}

function DoctorFindings({ doctor, ncip }: { doctor: PartnerDoctorView; ncip: boolean }) {
  const { view } = doctor;
  return (
    <section class="card doctor-findings" aria-labelledby="doctor-findings">
      <h2 id="doctor-findings">Doctor</h2>
      {doctor.checked ? (
        <>
          <p safe>{view.summary.replace(' (configuration only: ILLiad was not asked)', '')}</p>
          <Findings checks={view.checks.filter((c) => c.status !== 'pass')} />
          {view.checks.some((c) => c.status === 'pass') ? (
            <details>
              <summary safe>{`What passes (${view.checks.filter((c) => c.status === 'pass').length})`}</summary>
              <Findings checks={view.checks.filter((c) => c.status === 'pass')} />
            </details>
          ) : (
            ''
          )}
        </>
      ) : (
        <p safe>
          {doctor.checkedPartner
            ? `The doctor checks the lender of last resort, partner ${doctor.checkedPartner}; it has no findings about this partner.`
            : 'The doctor finds no ILLiad partner; it has no findings about this partner.'}
        </p>
      )}
      {ncip ? (
        <p>
          <a href="/ui/doctor">Open the doctor</a> (every check of the guide’s setup)
        </p>
      ) : (
        ''
      )}
    </section>
  );
}

export interface PartnerPageProps {
  readonly shell: Shell;
  readonly heading: string;
  readonly action: string;
  readonly sections: readonly SectionView[];
  /** Problems that belong to no field. */
  readonly problems: readonly string[];
  readonly csrf: string;
  readonly editable: boolean;
  readonly doctor: PartnerDoctorView;
  readonly ncip: boolean;
  readonly saved: boolean;
  /** A secret was typed but the form was refused: it is not sent back into the page. */
  readonly secretDropped: boolean;
  readonly refused: boolean;
  /** The version the form was drawn from (sent back with it). */
  readonly version: string | undefined;
  /** Someone else saved the partner first: nothing was saved, what was typed is kept. */
  readonly stale?: StaleView | undefined;
}

export function PartnerPage(props: PartnerPageProps) {
  return (
    <Layout shell={props.shell}>
      <p class="muted">
        <a href="/ui/partners">Partners</a>
      </p>
      <h1 safe>{props.heading}</h1>
      {props.saved ? (
        <p class="notice" role="status">
          Saved.
        </p>
      ) : (
        ''
      )}
      {props.refused ? (
        <NothingSaved problems={props.problems}>{props.secretDropped ? <p>A key or secret you typed is not shown again: type it again before saving.</p> : ''}</NothingSaved>
      ) : (
        ''
      )}
      <DoctorFindings doctor={props.doctor} ncip={props.ncip} />
      {props.editable ? (
        <form method="post" action={props.action} class="partner-form">
          {props.stale ? (
            <StaleNotice view={props.stale}>
              {props.secretDropped ? <p>A key or secret you typed is not shown again: type it again before saving.</p> : ''}
            </StaleNotice>
          ) : (
            ''
          )}
          <input type="hidden" name="_csrf" value={props.csrf} />
          <VersionField version={props.version} />
          <Tabs sections={props.sections} editable={true} />
          <div class="submit">
            <button type="submit">Save the partner</button>
          </div>
        </form>
      ) : (
        <Tabs sections={props.sections} editable={false} />
      )}
    </Layout>
  );
}
