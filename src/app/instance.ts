import type { BorrowingService } from './borrowing-service.ts';
import type { CirculationService } from './circulation-service.ts';
import type { AvailabilityService } from './availability.ts';
import type { ConfigService } from './config-service.ts';
import type { DoctorService } from './doctor-service.ts';
import type { IlliadExporter } from './illiad-export.ts';
import type { JobService } from './job-service.ts';
import type { LendingService } from './lending-service.ts';
import type { NcipService } from './ncip-service.ts';
import type { NoticeService } from './notice-service.ts';
import type { OperationsService } from './operations.ts';
import type { PeerRequester } from './peer-requester.ts';
import type { QueueService } from './queues.ts';
import type { ConfigTransfer } from './config-transfer.ts';
import type { Storage } from './ports.ts';
import type { StaffUsers } from './staff-users.ts';
import type { TokenService } from './token-service.ts';
import type { PatronAuthService } from './patron-auth.ts';
import type { PatronRequests } from './patron-requests.ts';
import type { RequestServices } from './request-services.ts';

/** The use cases over one open database: what the CLI and the server work with. */
export interface Instance {
  readonly storage: Storage & { readonly description: string; readonly appliedMigrations: readonly string[] };
  readonly config: ConfigService;
  readonly transfer: ConfigTransfer;
  readonly tokens: TokenService;
  /** Staff users who sign in with a user name and password (issue 8). */
  readonly staffUsers: StaffUsers;
  readonly borrowing: BorrowingService;
  readonly queues: QueueService;
  readonly jobs: JobService;
  /** The queue and the partners as /metrics reports them (issue 10, outages). */
  readonly operations: OperationsService;
  readonly illiad: IlliadExporter;
  readonly ncip: NcipService;
  readonly circulation: CirculationService;
  readonly peers: PeerRequester;
  /** Lending to peers over ISO 18626. */
  readonly lending: LendingService;
  /** The setup doctor (issue 7). */
  readonly doctor: DoctorService;
  /** Our holdings, for peers' locate. */
  readonly availability: AvailabilityService;
  /** Notices to patrons by e-mail (issue 9). */
  readonly notices: NoticeService;
  /** Patrons signing in: PINs, the single sign-on header's patron, the session key (issue 9). */
  readonly patronAuth: PatronAuthService;
  /** Which request services a user is offered for a citation (issue 9). */
  readonly services: RequestServices;
  /** The patron's side of requests: placing, my requests, cancel, renewal (issue 9). */
  readonly patronRequests: PatronRequests;
  close(): Promise<void>;
}
