import { Layout, type Shell } from '../layout.tsx';
import type { FieldView } from '../views/partner-form.ts';
import { PartnerField } from './partner-edit.tsx';

/** Code, name and profile type first; the partner's page has the rest once it exists. */
export function PartnerNewPage({ shell, fields, problems, csrf }: { shell: Shell; fields: readonly FieldView[]; problems: readonly string[]; csrf: string }) {
  return (
    <Layout shell={shell}>
      <p class="muted">
        <a href="/ui/partners">Partners</a>
      </p>
      <h1>New partner</h1>
      <p>Code, name and profile type first (a peer also needs its address and symbol); every parameter is on the partner’s page once it exists.</p>
      {problems.length ? (
        <div class="error" role="alert">
          <p>The partner was not created:</p>
          <ul>
            {problems.map((p) => (
              <li safe>{p}</li>
            ))}
          </ul>
        </div>
      ) : (
        ''
      )}
      <form class="card grid" method="post" action="/ui/partners/new">
        <input type="hidden" name="_csrf" value={csrf} />
        {fields.map((field) => (
          <PartnerField field={field} />
        ))}
        <div class="submit">
          <button type="submit">Create the partner</button>
        </div>
      </form>
    </Layout>
  );
}
