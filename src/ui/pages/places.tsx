import { StaleNotice, VersionField } from '../components/stale.tsx';
import { Layout, type Shell } from '../layout.tsx';
import type { FieldView } from '../views/partner-form.ts';
import type { StaleView } from '../views/stale.ts';
import { INSTITUTION_PATH, newPlaceHref, type PlaceFormView, type PlaceListView, PLACES_PATH } from '../views/places.ts';
import { NothingSaved, PartnerField } from './partner-edit.tsx';

const PAGE_HEADING = 'Libraries and places';

function Institution({ fields, mayWrite }: { fields: readonly FieldView[] | undefined; mayWrite: boolean }) {
  return (
    <section id="institution" aria-labelledby="institution-heading">
      <h2 id="institution-heading">Institution</h2>
      {fields ? (
        <dl class="fields">
          {fields.map((field) => (
            <>
              <dt safe>{field.spec.label}</dt>
              <dd safe>{field.display}</dd>
            </>
          ))}
        </dl>
      ) : (
        <p>There is no institution yet. NCIP messages from ILLiad are addressed to it, and requests without a pickup library go to its default one.</p>
      )}
      {mayWrite ? (
        <p>
          <a class="button" href={INSTITUTION_PATH}>
            {fields ? 'Edit the institution' : 'Set up the institution'}
          </a>
        </p>
      ) : (
        ''
      )}
    </section>
  );
}

/** One kind's list: a row per object with every field in words; for writers a link to edit it and a delete button. */
function PlaceList({ list, mayWrite, csrf }: { list: PlaceListView; mayWrite: boolean; csrf: string }) {
  const { spec } = list;
  return (
    <section id={spec.kind} aria-labelledby={`${spec.kind}-heading`}>
      <h2 id={`${spec.kind}-heading`} safe>
        {spec.heading}
      </h2>
      <p class="muted" safe>
        {spec.about}
      </p>
      {list.refusal ? (
        <p class="error" role="alert" safe>
          {list.refusal}
        </p>
      ) : (
        ''
      )}
      {list.rows.length ? (
        <table>
          <caption class="visually-hidden" safe>
            {spec.heading}
          </caption>
          <thead>
            <tr>
              {spec.fields.map((field) => (
                <th scope="col" safe>
                  {field.label}
                </th>
              ))}
              {mayWrite ? (
                <th scope="col">
                  <span class="visually-hidden">Delete</span>
                </th>
              ) : (
                ''
              )}
            </tr>
          </thead>
          <tbody>
            {list.rows.map((row) => (
              <tr>
                <th scope="row">
                  {mayWrite ? (
                    <a href={row.href} safe>
                      {row.code}
                    </a>
                  ) : (
                    <span safe>{row.code}</span>
                  )}
                </th>
                {row.cells.slice(1).map((cell) => (
                  <td safe>{cell.display}</td>
                ))}
                {mayWrite ? (
                  <td class="buttons">
                    <form class="inline" method="post" action={`${row.href}/delete`}>
                      <input type="hidden" name="_csrf" value={csrf} />
                      <VersionField version={row.version} />
                      <button type="submit" class="small secondary">
                        Delete<span class="visually-hidden" safe>{` ${spec.singular} ${row.code}`}</span>
                      </button>
                    </form>
                  </td>
                ) : (
                  ''
                )}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p safe>{`No ${spec.singular} yet.`}</p>
      )}
      {mayWrite ? (
        <p>
          <a class="button" href={newPlaceHref(spec.kind)} safe>
            {`New ${spec.singular}`}
          </a>
        </p>
      ) : (
        ''
      )}
    </section>
  );
}

export interface PlacesPageProps {
  readonly shell: Shell;
  readonly institution: readonly FieldView[] | undefined;
  readonly lists: readonly PlaceListView[];
  readonly mayWrite: boolean;
  readonly csrf: string;
  /** What the last change did ("Library MAIN was created."). */
  readonly done?: string | undefined;
}

export function PlacesPage(props: PlacesPageProps) {
  return (
    <Layout shell={props.shell}>
      <h1>{PAGE_HEADING}</h1>
      <p class="muted">
        What the partners’ parameters name: the institution, its libraries, shelf locations, circulation desks and item policies. On a new installation set
        up the institution first, then the libraries, then the rest.
      </p>
      {props.done ? (
        <p class="notice" role="status" safe>
          {props.done}
        </p>
      ) : (
        ''
      )}
      <Institution fields={props.institution} mayWrite={props.mayWrite} />
      {props.lists.map((list) => (
        <PlaceList list={list} mayWrite={props.mayWrite} csrf={props.csrf} />
      ))}
    </Layout>
  );
}

export interface PlaceFormPageProps {
  readonly shell: Shell;
  readonly heading: string;
  readonly about: string;
  /** The list's section this form belongs to ("libraries", "institution"). */
  readonly anchor: string;
  readonly action: string;
  readonly view: PlaceFormView;
  readonly refused: boolean;
  readonly submit: string;
  readonly csrf: string;
  /** The version the form was drawn from (none for a new object). */
  readonly version: string | undefined;
  /** Someone else saved it first: nothing was saved, what was typed is kept. */
  readonly stale?: StaleView | undefined;
}

/** The form of the institution or of one place, new or existing: the fields of its kind and nothing else. */
export function PlaceFormPage(props: PlaceFormPageProps) {
  return (
    <Layout shell={props.shell}>
      <p class="muted">
        <a href={`${PLACES_PATH}#${props.anchor}`}>{PAGE_HEADING}</a>
      </p>
      <h1 safe>{props.heading}</h1>
      <p class="muted" safe>
        {props.about}
      </p>
      {props.refused ? <NothingSaved problems={props.view.problems} /> : ''}
      <form class="card grid" method="post" action={props.action}>
        {props.stale ? <StaleNotice view={props.stale} /> : ''}
        <input type="hidden" name="_csrf" value={props.csrf} />
        <VersionField version={props.version} />
        {props.view.fields.map((field) => (
          <PartnerField field={field} />
        ))}
        <div class="submit">
          <button type="submit" safe>
            {props.submit}
          </button>
        </div>
      </form>
    </Layout>
  );
}
