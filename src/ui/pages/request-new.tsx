import { Layout, type Shell } from '../layout.tsx';
import type { FormField } from '../views/request-form.ts';

function Field({ field }: { field: FormField }) {
  const id = `f-${field.name}`;
  const described = field.error ? `${id}-error` : undefined;
  return (
    <div class={field.error ? 'field invalid' : 'field'}>
      <label for={id} safe>
        {field.label + (field.required ? ' (required)' : '')}
      </label>
      {field.kind === 'select' ? (
        <select id={id} name={field.name} aria-describedby={described} aria-invalid={field.error ? 'true' : undefined}>
          {(field.options ?? []).map((o) => (
            <option value={o.value} selected={o.value === field.value} safe>
              {o.label}
            </option>
          ))}
        </select>
      ) : field.kind === 'textarea' ? (
        <textarea id={id} name={field.name} rows="3" aria-describedby={described} aria-invalid={field.error ? 'true' : undefined} safe>
          {field.value}
        </textarea>
      ) : (
        <input id={id} name={field.name} type="text" value={field.value} required={field.required} aria-describedby={described} aria-invalid={field.error ? 'true' : undefined} />
      )}
      {field.error ? (
        <p class="error" id={described} safe>
          {field.error}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}

export function RequestNewPage({ shell, fields, problems, csrf }: { shell: Shell; fields: readonly FormField[]; problems: readonly string[]; csrf: string }) {
  return (
    <Layout shell={shell}>
      <h1>New borrowing request</h1>
      {problems.length ? (
        <div class="error" role="alert">
          <p>The request was not created:</p>
          <ul>
            {problems.map((p) => (
              <li safe>{p}</li>
            ))}
          </ul>
        </div>
      ) : (
        ''
      )}
      <form class="card grid" method="post" action="/ui/requests/new">
        <input type="hidden" name="_csrf" value={csrf} />
        {fields.map((field) => (
          <Field field={field} />
        ))}
        <div class="submit">
          <button type="submit">Create the request</button>
        </div>
      </form>
    </Layout>
  );
}
