import { StaleNotice, VersionField } from '../components/stale.tsx';
import { Layout, type Shell } from '../layout.tsx';
import type { Option } from '../views/rota-templates.ts';
import {
  type ConditionRowView,
  OPERATOR_OPTIONS,
  PARAMETER_OPTIONS,
  type RuleFormView,
  type RuleRowView,
  RULES_PATH,
  type RulesView,
} from '../views/rota-rules.ts';
import type { StaleView } from '../views/stale.ts';

export const EDITOR_PATH = `${RULES_PATH}/conditions-editor`;

const autofocusIf = (on: boolean) => (on ? { autofocus: true } : {});

function RuleButton({ view, row, action, label, csrf }: { view: RulesView; row: RuleRowView; action: string; label: string; csrf: string }) {
  const url = `${row.href}/actions/${action}`;
  return (
    <form class="inline" method="post" action={url} hx-post={url} hx-target="#rules" hx-swap="outerHTML">
      <input type="hidden" name="_csrf" value={csrf} />
      {action === 'enable' || action === 'disable' ? <VersionField version={row.version} /> : ''}
      <button type="submit" class={action === 'make-final' ? 'small secondary' : 'small'} {...autofocusIf(view.focus === `${action}:${row.id}`)}>
        <span safe>{label}</span>
        <span class="visually-hidden" safe>{` (${row.name})`}</span>
      </button>
    </form>
  );
}

/** What a change announces to screen readers: swapped into the page's live region (it stays, so it is read). */
export function RulesStatus({ message, oob }: { message: string; oob?: boolean }) {
  return (
    <p id="rules-status" class="live" role="status" hx-swap-oob={oob ? 'innerHTML' : undefined} safe>
      {message}
    </p>
  );
}

/** The ordered list with its buttons and the doctor's findings: the part of the page a button replaces (htmx). */
export function RulesSection({ view, csrf }: { view: RulesView; csrf: string }) {
  const problems = view.findings.filter((f) => f.status !== 'pass');
  return (
    <div id="rules">
      {view.error ? (
        <p class="error" role="alert" safe>
          {view.error}
        </p>
      ) : (
        ''
      )}
      <section aria-labelledby="findings-heading" class={problems.length ? 'rota-findings attention' : 'rota-findings'}>
        <h2 id="findings-heading">The doctor on the rules and the ILLiad rota</h2>
        {view.findings.length ? (
          <ul class="rota-findings-list">
            {view.findings.map((f) => (
              <li class={`check ${f.status}`} data-check={f.id}>
                <span class={`badge ${f.status}`} safe>
                  {f.statusLabel}
                </span>{' '}
                <strong safe>{f.title}</strong>
                {': '}
                <span safe>{f.message}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p>The doctor has nothing to say about them (is there an ILLiad partner?).</p>
        )}
      </section>
      <section aria-labelledby="list-heading">
        <h2 id="list-heading" tabindex="-1" {...autofocusIf(view.focus === 'heading')}>
          Institution rules list
        </h2>
        <p class="muted">Every enabled rule whose conditions all hold adds its templates to the rota, in this order; the final rule’s partners are asked last.</p>
        {view.rows.length ? (
          <table class="rules-table">
            <caption class="visually-hidden">Rota assignment rules, in order</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Rule</th>
                <th scope="col">Enabled</th>
                <th scope="col">Stop here</th>
                <th scope="col">When</th>
                <th scope="col">Rota templates</th>
                {view.canWrite ? <th scope="col">Change</th> : ''}
              </tr>
            </thead>
            <tbody>
              {view.rows.map((row) => (
                <tr id={`rule-${row.id}`} class={[row.enabled ? '' : 'disabled', row.final ? 'final' : ''].join(' ').trim() || undefined}>
                  <td safe>{String(row.position)}</td>
                  <th scope="row">
                    <a href={row.href} safe>
                      {row.name}
                    </a>
                    {row.final ? (
                      <>
                        {' '}
                        <span class="badge final">final rule</span>
                      </>
                    ) : (
                      ''
                    )}
                  </th>
                  <td>{row.enabled ? 'Yes' : 'No'}</td>
                  <td>{row.stopHere ? 'Yes' : 'No'}</td>
                  <td safe>{row.conditions}</td>
                  <td safe>{row.templates}</td>
                  {view.canWrite ? (
                    <td class="buttons">
                      {row.first ? '' : <RuleButton view={view} row={row} action="up" label="Move up" csrf={csrf} />}
                      {row.last ? '' : <RuleButton view={view} row={row} action="down" label="Move down" csrf={csrf} />}
                      {row.last ? '' : <RuleButton view={view} row={row} action="make-final" label="Make final rule" csrf={csrf} />}
                      {row.enabled ? (
                        <RuleButton view={view} row={row} action="disable" label="Disable" csrf={csrf} />
                      ) : (
                        <RuleButton view={view} row={row} action="enable" label="Enable" csrf={csrf} />
                      )}
                    </td>
                  ) : (
                    ''
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>There is no rule yet: no request gets a rota.</p>
        )}
      </section>
    </div>
  );
}

export function RotaRuleListPage({ shell, view, csrf }: { shell: Shell; view: RulesView; csrf: string }) {
  return (
    <Layout shell={shell}>
      <h1>Rota assignment rules</h1>
      {view.canWrite ? (
        <p>
          <a href={`${RULES_PATH}/new`}>New rule</a>
        </p>
      ) : (
        ''
      )}
      <RulesStatus message={view.message ?? ''} />
      <RulesSection view={view} csrf={csrf} />
    </Layout>
  );
}

function Described({ id, error }: { id: string; error: string | undefined }) {
  return error ? (
    <p class="error" id={`${id}-error`} safe>
      {error}
    </p>
  ) : (
    ''
  );
}

const invalid = (id: string, error: string | undefined) => (error ? { 'aria-describedby': `${id}-error`, 'aria-invalid': 'true' } : {});

function Select({ id, name, options, value, error, editor, focus }: { id: string; name: string; options: readonly Option[]; value: string; error?: string | undefined; editor?: boolean; focus?: boolean }) {
  // Changing the parameter or the operator changes the value field: htmx redraws the editor (without JavaScript,
  // the value is read as the new operator wants it on saving, and "Update the value fields" redraws it).
  const redraw = editor ? { 'hx-post': EDITOR_PATH, 'hx-trigger': 'change', 'hx-target': '#conditions', 'hx-swap': 'outerHTML', 'hx-vals': '{"_editor":"refresh"}' } : {};
  return (
    <select id={id} name={name} {...invalid(id, error)} {...redraw} {...autofocusIf(focus ?? false)}>
      {options.map((o) => (
        <option value={o.value} selected={o.value === value} safe>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function ValueField({ row }: { row: ConditionRowView }) {
  const id = `c${row.index}-value`;
  const name = `conditions[${row.index}].value`;
  const error = row.errors.value;
  switch (row.widget) {
    case 'none':
      return (
        <div class="field">
          <span class="label">Value</span>
          <span class="muted">none: this operator takes no value</span>
        </div>
      );
    case 'text':
      return (
        <div class={error ? 'field invalid' : 'field'}>
          <label for={id}>Value</label>
          <input id={id} name={name} type="text" value={row.text} {...invalid(id, error)} />
          <Described id={id} error={error} />
        </div>
      );
    case 'list':
      return (
        <div class={error ? 'field invalid' : 'field'}>
          <label for={id}>Values (one a line)</label>
          <textarea id={id} name={name} rows="3" {...invalid(id, error)} safe>
            {row.text}
          </textarea>
          <Described id={id} error={error} />
        </div>
      );
    case 'select':
      return (
        <div class={error ? 'field invalid' : 'field'}>
          <label for={id}>Value</label>
          <select id={id} name={name} {...invalid(id, error)}>
            <option value="">Choose…</option>
            {row.options.map((o) => (
              <option value={o.value} selected={o.selected} safe>
                {o.label}
              </option>
            ))}
          </select>
          <Described id={id} error={error} />
        </div>
      );
    case 'multiselect':
      return (
        <div class={error ? 'field invalid' : 'field'}>
          <label for={id}>Values (choose one or more)</label>
          <select id={id} name={name} multiple="multiple" size={String(Math.min(row.options.length, 5))} {...invalid(id, error)}>
            {row.options.map((o) => (
              <option value={o.value} selected={o.selected} safe>
                {o.label}
              </option>
            ))}
          </select>
          <Described id={id} error={error} />
        </div>
      );
  }
}

/** The conditions editor: rows of parameter / operator / value, add and remove; redrawn by htmx as one piece. */
export function ConditionsEditor({ view }: { view: RuleFormView }) {
  const editorButton = (command: string) => ({ 'hx-post': EDITOR_PATH, 'hx-target': '#conditions', 'hx-swap': 'outerHTML', 'hx-vals': JSON.stringify({ _editor: command }) });
  return (
    <fieldset id="conditions" class="conditions">
      <legend>Conditions (all must hold; none: every request)</legend>
      {view.errors.conditions ? (
        <p class="error" safe>
          {view.errors.conditions}
        </p>
      ) : (
        ''
      )}
      {view.conditions.map((row) => (
        <fieldset class="condition">
          <legend safe>{`Condition ${row.index + 1}`}</legend>
          <div class={row.errors.parameter ? 'field invalid' : 'field'}>
            <label for={`c${row.index}-parameter`}>Parameter</label>
            <Select
              id={`c${row.index}-parameter`}
              name={`conditions[${row.index}].parameter`}
              options={PARAMETER_OPTIONS}
              value={row.parameter}
              error={row.errors.parameter}
              editor
              focus={view.focus === `c${row.index}-parameter`}
            />
            <Described id={`c${row.index}-parameter`} error={row.errors.parameter} />
          </div>
          <div class={row.errors.operator ? 'field invalid' : 'field'}>
            <label for={`c${row.index}-operator`}>Operator</label>
            <Select id={`c${row.index}-operator`} name={`conditions[${row.index}].operator`} options={OPERATOR_OPTIONS} value={row.operator} error={row.errors.operator} editor />
            <Described id={`c${row.index}-operator`} error={row.errors.operator} />
          </div>
          <ValueField row={row} />
          <div class="field remove">
            <button type="submit" class="small secondary" name="_editor" value={`remove:${row.index}`} {...editorButton(`remove:${row.index}`)} safe>
              {`Remove condition ${row.index + 1}`}
            </button>
          </div>
          {row.errors.row ? (
            <p class="error" safe>
              {row.errors.row}
            </p>
          ) : (
            ''
          )}
        </fieldset>
      ))}
      <div class="editor-buttons">
        <button type="submit" id="add-condition" class="secondary" name="_editor" value="add" {...editorButton('add')} {...autofocusIf(view.focus === 'add-condition')}>
          Add a condition
        </button>
        <noscript>
          <button type="submit" class="secondary" name="_editor" value="refresh">
            Update the value fields
          </button>
        </noscript>
      </div>
    </fieldset>
  );
}

/** A rule for a role that may not change it: in words, no form. */
export function RotaRuleReadOnlyPage({ shell, row }: { shell: Shell; row: RuleRowView }) {
  return (
    <Layout shell={shell}>
      <p>
        <a href={RULES_PATH}>All rules</a>
      </p>
      <h1 safe>{`Rule: ${row.name}`}</h1>
      <dl class="fields">
        <dt>Position</dt>
        <dd safe>{`${row.position}${row.final ? ' (the final rule)' : ''}`}</dd>
        <dt>Enabled</dt>
        <dd>{row.enabled ? 'Yes' : 'No'}</dd>
        <dt>Stop here</dt>
        <dd>{row.stopHere ? 'Yes' : 'No'}</dd>
        <dt>When</dt>
        <dd safe>{row.conditions}</dd>
        <dt>Rota templates</dt>
        <dd safe>{row.templates}</dd>
      </dl>
    </Layout>
  );
}

/** The rule page's Delete: its own form, with the version the page was drawn from. */
function DeleteRule({ action, name, version, csrf }: { action: string; name: string; version: string; csrf: string }) {
  return (
    <section aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete this rule</h2>
      <p class="muted">No request and no other object names a rule: requests already routed keep it in their rule trace.</p>
      <form method="post" action={`${action}/delete`}>
        <input type="hidden" name="_csrf" value={csrf} />
        <VersionField version={version} />
        <button type="submit" class="secondary">
          Delete the rule<span class="visually-hidden" safe>{` “${name}”`}</span>
        </button>
      </form>
    </section>
  );
}

export function RotaRulePage({
  shell,
  view,
  action,
  heading,
  name,
  isNew,
  saved,
  csrf,
  stale,
}: {
  shell: Shell;
  view: RuleFormView;
  action: string;
  heading: string;
  /** The rule's name as stored (the form may hold a new one). */
  name: string;
  isNew: boolean;
  saved: boolean;
  csrf: string;
  /** Someone else saved (or changed) the rule first: nothing was saved, what was typed is kept. */
  stale?: StaleView | undefined;
}) {
  const { form, errors } = view;
  return (
    <Layout shell={shell}>
      <p>
        <a href={RULES_PATH}>All rules</a>
      </p>
      <h1 safe>{heading}</h1>
      {saved ? (
        <p class="saved" role="status">
          Saved.
        </p>
      ) : (
        ''
      )}
      {errors.form.length || Object.keys(errors.fields).length || errors.conditions || view.conditions.some((c) => Object.keys(c.errors).length) ? (
        <div class="error" role="alert">
          <p>The rule was not saved: see the marked fields.</p>
          {errors.form.length ? (
            <ul>
              {errors.form.map((p) => (
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
      <form class="card rule-form" method="post" action={action}>
        {/* The form's default button, first in it: Enter in a text field saves (the first submit button is the one
            pressed), not the conditions editor's "Remove condition 1". Out of the tab order and the accessibility
            tree: the visible Save below is the one to use. */}
        <button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">
          {isNew ? 'Create the rule' : 'Save'}
        </button>
        {stale ? <StaleNotice view={stale} /> : ''}
        <input type="hidden" name="_csrf" value={csrf} />
        {isNew ? '' : <VersionField version={form.version} />}
          <div class={errors.fields.name ? 'field invalid' : 'field'}>
            <label for="r-name">Name (required)</label>
            <input
              id="r-name"
              name="name"
              type="text"
              value={form.name}
              required
              aria-describedby={[isNew ? '' : 'r-name-help', errors.fields.name ? 'r-name-error' : ''].filter(Boolean).join(' ') || undefined}
              aria-invalid={errors.fields.name ? 'true' : undefined}
            />
            {isNew ? (
              ''
            ) : (
              <p class="muted" id="r-name-help">
                Renaming keeps the rule’s place and settings; no two rules may have the same name.
              </p>
            )}
            <Described id="r-name" error={errors.fields.name} />
          </div>
          <div class="field checks">
            <input id="r-enabled" name="enabled" type="checkbox" checked={form.enabled} />
            <label for="r-enabled">Enabled</label>
            <input id="r-stop" name="stopHere" type="checkbox" checked={form.stopHere} {...invalid('r-stop', errors.fields.stopHere)} />
            <label for="r-stop">Stop here (later rules are not looked at when this one matches)</label>
            <Described id="r-stop" error={errors.fields.stopHere} />
          </div>
          {isNew ? (
            <div class={errors.fields.position ? 'field invalid' : 'field'}>
              <label for="r-position">Place in the list</label>
              <Select id="r-position" name="position" options={view.positionOptions} value={form.position} error={errors.fields.position} />
              <Described id="r-position" error={errors.fields.position} />
            </div>
          ) : (
            ''
          )}
          <div class={errors.fields.templates ? 'field invalid' : 'field'}>
            <label for="r-templates">Rota templates (output; choose one or more)</label>
            <select id="r-templates" name="templates" multiple="multiple" size={String(Math.min(Math.max(view.templateOptions.length, 2), 6))} {...invalid('r-templates', errors.fields.templates)}>
              {view.templateOptions.map((o) => (
                <option value={o.value} selected={o.selected} safe>
                  {o.label}
                </option>
              ))}
            </select>
            <Described id="r-templates" error={errors.fields.templates} />
          </div>
          <ConditionsEditor view={view} />
          <div class="submit">
            <button type="submit">{isNew ? 'Create the rule' : 'Save'}</button>
          </div>
      </form>
      {isNew ? '' : <DeleteRule action={action} name={name} version={form.version} csrf={csrf} />}
    </Layout>
  );
}
