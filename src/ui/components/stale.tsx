/**
 * A save refused because someone else saved first: at the top of the form, read out at once (role="alert"), and
 * the focus is put on it (the page may be long: the patron form is at its end).
 */
import type { Children } from '@kitajs/html';
import { type StaleView, VERSION_FIELD } from '../views/stale.ts';

export function StaleNotice({ view, children }: { view: StaleView; children?: Children }) {
  return (
    <div class="error stale" role="alert" id="stale" tabindex="-1" {...{ autofocus: true }}>
      <p>
        <span safe>{`Someone else saved this ${view.thing} at `}</span>
        <time datetime={view.at} safe>
          {view.atText}
        </time>
        <span safe>{` while you were editing; nothing was ${view.nothing}.`}</span>
      </p>
      {view.kept ? (
        <p>
          <a href={view.reload} safe>{`See the current values (reload the ${view.thing})`}</a>
          <span safe>{'. What you typed is kept below until you do; saving it again is refused until you have seen their change.'}</span>
        </p>
      ) : (
        <p safe>{`The page now shows the ${view.thing} as it is.`}</p>
      )}
      {children}
    </div>
  );
}

/** The version a form was drawn from, sent back with it. */
export function VersionField({ version, id }: { version: string | undefined; id?: string }) {
  return version === undefined || version === '' ? '' : <input type="hidden" name={VERSION_FIELD} value={version} id={id} />;
}
