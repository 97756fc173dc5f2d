import type { PatronAuthService } from '../../app/patron-auth.ts';
import type { PatronRequests } from '../../app/patron-requests.ts';
import type { Clock } from '../../app/ports.ts';
import type { PatronAuthSettings } from './settings.ts';

/** What the patron pages work with: the patron use cases, how patrons sign in, the clock. */
export interface PatronUiDeps {
  readonly auth: PatronAuthSettings;
  readonly patronAuth: PatronAuthService;
  readonly requests: PatronRequests;
  readonly clock: Clock;
  /** Whether the instance runs the demo (a banner on every page, and the demo patrons' PIN on sign-in). */
  readonly demo: () => Promise<boolean>;
}
