import type { BorrowingService } from '../app/borrowing-service.ts';
import type { ConfigService } from '../app/config-service.ts';
import type { DoctorService } from '../app/doctor-service.ts';
import type { IlliadExporter } from '../app/illiad-export.ts';
import type { LendingService } from '../app/lending-service.ts';
import type { NoticeService } from '../app/notice-service.ts';
import type { PatronImport } from '../app/patron-import.ts';
import type { Clock } from '../app/ports.ts';
import type { QueueService } from '../app/queues.ts';
import type { StaffUsers } from '../app/staff-users.ts';
import type { TokenService } from '../app/token-service.ts';
import type { PatronAuthService } from '../app/patron-auth.ts';

/** The use cases the staff pages work with: the same ones the JSON API uses (design.md: no logic of their own). */
export interface UiDeps {
  readonly tokens: TokenService;
  /** Staff users: the user name and password sign-in and the users page. Without it, only tokens sign in. */
  readonly staffUsers?: StaffUsers;
  readonly borrowing: BorrowingService;
  readonly lending: LendingService;
  readonly queues: QueueService;
  readonly config: ConfigService;
  readonly doctor: DoctorService;
  /** The ILLiad identity dry run on a patron's page (the same as GET /api/v1/partners/{code}/identity). */
  readonly illiad: IlliadExporter;
  /** Patrons from CSV: the preview and the import. */
  readonly patronImport: PatronImport;
  /** Notices to patrons: templates, previews, what was sent (issue 9). */
  readonly notices: NoticeService;
  /** For "stale": open requests unchanged for some days. */
  readonly clock: Clock;
  /** Whether the instance runs the demo (a banner on every page). */
  readonly demo: () => Promise<boolean>;
  /** Patrons' PINs for the patron pages (issue 9): set and removed on the patron's page; without it, no PIN section. */
  readonly patronAuth?: PatronAuthService;
  /** This server's address as ILLiad reaches it (PUBLIC_URL), for the doctor's NCIP address; else the request's. */
  readonly publicUrl?: string | undefined;
}
