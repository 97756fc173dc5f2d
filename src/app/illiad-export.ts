/**
 * ILLiad as lender of last resort (design.md, decision 7; the guide's "Export to third party = Using API"): the
 * partner adapter that pushes a borrowing request into ILLiad through the Web Platform API.
 *
 * Find the ILLiad user (by the username the identity rule derives; then by e-mail through the key's External User
 * ID mapping when Search User In ILLiad Using is Email Address), create it when Create User In ILLiad is on,
 * refuse blocked and disavowed users, then create the Borrowing transaction with our request id in the field named
 * by Export Request ID Name Tag. Never two transactions for one request: before every POST the user's transactions
 * are searched for our id, and one made by an earlier try (which timed out after ILLiad committed it) is adopted.
 *
 * Failures are sorted for staff: a refused key flags the partner; refused data and identity problems send the
 * request to Ready to be sent with a sentence saying what to fix; an ILLiad that does not answer is tried again.
 */
import { REFUSED_CLEARED_CODES } from '../domain/identity/username-match.ts';
import { Secret } from '../domain/config/secret.ts';
import { resolveEnv, type Env } from '../domain/config/env-refs.ts';
import type { Partner } from '../domain/config/partner.ts';
import type { Patron } from '../domain/config/patron.ts';
import { USER_IDENTIFIER_TYPE } from '../domain/config/enums.ts';
import { InterlendError, notFound } from '../domain/errors.ts';
import { illiadUsername } from '../domain/identity/illiad-username.ts';
import type { BorrowingRequest } from '../domain/request/borrowing-request.ts';
import type { IlliadCall, IlliadConnection, IlliadConnector, IlliadTarget, IlliadUser } from './illiad-connection.ts';
import type { PartnerAdapter, SendResult, Storage } from './ports.ts';

/** The whole export must finish well inside the job's lease (60 s), so a slow ILLiad never meets a takeover. */
export const EXPORT_DEADLINE_MS = 45_000;
/** ILLiad's `Cleared` codes that stop an export (illiad.md §1.3): one list, in the domain, shared with the report. */
const REFUSED_CLEARED = REFUSED_CLEARED_CODES;

type NcipPartner = Extract<Partner, { profileType: 'NCIP' }>;

export interface IlliadExporterDeps {
  readonly storage: Storage;
  readonly env: Env;
  readonly connect: IlliadConnector;
  /** How long one ILLiad call may take (the connector's default otherwise); tests shorten it. */
  readonly callTimeoutMs?: number;
}

/** Whether the partner exports through the ILLiad API (the only thing this adapter does). */
export function exportsThroughApi(partner: Partner): partner is NcipPartner {
  return partner.profileType === 'NCIP' && partner.ncip.exportToThirdParty.exportToThirdParty === 'USING_API';
}

export function describeCall(call: IlliadCall): string {
  const outcome = typeof call.outcome === 'number' ? `HTTP ${call.outcome}` : call.outcome;
  return `ILLiad ${call.method} ${decodeURIComponent(call.path.split('?')[0]!)} → ${outcome}: ${call.summary} (${call.ms} ms)`;
}

type Found = { ok: true; user: IlliadUser } | { ok: false; reason: string };

export class IlliadExporter implements PartnerAdapter {
  constructor(private readonly deps: IlliadExporterDeps) {}

  /** Where and with which key to reach the partner's ILLiad; a sentence for staff when that is not configured. */
  target(partner: NcipPartner): { ok: true; target: IlliadTarget } | { ok: false; reason: string } {
    const settings = partner.ncip.exportToThirdParty;
    if (!settings.url) return { ok: false, reason: `partner ${partner.code} has no ILLiad URL (Export to third party section)` };
    const url = resolveEnv(settings.url, this.deps.env);
    if (url.value === undefined) return { ok: false, reason: `the ILLiad URL of partner ${partner.code} names ${url.unset.join(', ')}, which is not set in the server's environment` };
    const key = settings.apiKey instanceof Secret ? settings.apiKey : null;
    if (!key) return { ok: false, reason: `partner ${partner.code} has no ILLiad API key (Export to third party section)` };
    const apiKey = key.reveal(this.deps.env);
    if (!apiKey) return { ok: false, reason: `the ILLiad API key of partner ${partner.code} is \${${key.envName}}, which is not set in the server's environment` };
    return { ok: true, target: { url: url.value, apiKey } };
  }

  async send(request: BorrowingRequest, partner: Partner): Promise<SendResult> {
    if (!exportsThroughApi(partner)) return {};
    const failed = (reason: string) => ({ action: 'export-failed' as const, reason });
    const where = this.target(partner);
    if (!where.ok) return { answer: failed(where.reason), partnerAlert: where.reason };
    const patron = (await this.deps.storage.read.config('patrons').findByKey(request.patron))?.doc;
    if (!patron) return { answer: failed(`patron ${request.patron} no longer exists`) };
    const identity = illiadUsername(patron, partner.ncip.generalInformation);
    if (!identity.ok) return { answer: failed(identity.reason) };

    const calls: string[] = [];
    const connection = this.open(where.target, calls);
    try {
      const found = await this.findOrCreateUser(connection, partner, patron, identity.username);
      if (!found.ok) return { answer: failed(found.reason), calls, partnerAlert: null };
      const { user } = found;
      const refused = REFUSED_CLEARED[(user.cleared ?? '').toUpperCase()];
      if (refused) {
        return { answer: failed(`ILLiad user ${user.username} is ${refused} (Cleared = ${user.cleared}); clear the user in ILLiad, then resend`), calls, partnerAlert: null };
      }
      const field = partner.ncip.exportToThirdParty.exportRequestIdNameTag;
      const earlier = (await connection.transactionsWith(user.username, field, request.id))[0];
      const transaction = earlier ?? (await connection.createTransaction({ username: user.username, request, requestIdField: field }));
      await this.addNote(connection, transaction.transactionNumber, request);
      const reason = `ILLiad transaction ${transaction.transactionNumber} for user ${user.username}${earlier ? ' (made by an earlier try, adopted)' : ''}`;
      return { answer: { action: 'exported', reason }, exported: { transactionNumber: transaction.transactionNumber, username: user.username }, calls, partnerAlert: null };
    } catch (error) {
      if (!(error instanceof InterlendError)) throw error;
      if (error.code === 'ILL_ERR_PARTNER_AUTH') return { answer: failed(error.message), calls, partnerAlert: error.message };
      if (error.code === 'ILL_ERR_PARTNER_REFUSED') return { answer: failed(error.message), calls, partnerAlert: null };
      if (error.code === 'ILL_ERR_PARTNER_UNAVAILABLE') return { unavailable: error.message, calls };
      throw error;
    }
  }

  /**
   * A dry run of the identity rule against the partner's ILLiad: the derived username and what ILLiad says about
   * it, creating nothing (`GET /api/v1/partners/{code}/identity?patron=…`).
   */
  async checkIdentity(partnerCode: string, patronId: string) {
    const partner = (await this.deps.storage.read.config('partners').findByKey(partnerCode))?.doc;
    if (!partner) throw notFound(`partner ${partnerCode}`);
    const patron = (await this.deps.storage.read.config('patrons').findByKey(patronId))?.doc;
    if (!patron) throw notFound(`patron ${patronId}`);
    if (!exportsThroughApi(partner)) {
      throw new InterlendError('ILL_ERR_NOT_ALLOWED', `partner ${partner.code} does not export to ILLiad (Export to third party is not Using API)`);
    }
    const general = partner.ncip.generalInformation;
    const identity = illiadUsername(patron, general);
    const report = {
      partner: partner.code,
      patron: patron.primaryId,
      userIdentifierType: general.userIdentifierType,
      userIdentifierRegex: general.userIdentifierRegex,
      identifier: identity.identifier,
      username: identity.ok ? identity.username : null,
    };
    if (!identity.ok) return { ...report, outcome: identity.reason, illiadUser: null, calls: [] as string[] };
    const where = this.target(partner);
    if (!where.ok) return { ...report, outcome: where.reason, illiadUser: null, calls: [] as string[] };
    const calls: string[] = [];
    const connection = this.open(where.target, calls);
    try {
      const user = await this.findUser(connection, partner, patron, identity.username);
      const settings = partner.ncip.exportToThirdParty;
      const outcome = user
        ? REFUSED_CLEARED[(user.cleared ?? '').toUpperCase()]
          ? `ILLiad user ${user.username} is ${REFUSED_CLEARED[(user.cleared ?? '').toUpperCase()]} (Cleared = ${user.cleared}): exports would fail`
          : `ILLiad user ${user.username} found: exports go to this user`
        : settings.createUserInIlliad
          ? `ILLiad has no user ${identity.username}: the first export creates it`
          : `ILLiad has no user ${identity.username} and Create User In ILLiad is off: exports would fail`;
      return { ...report, outcome, illiadUser: user ?? null, calls };
    } catch (error) {
      if (!(error instanceof InterlendError) || !error.code.startsWith('ILL_ERR_PARTNER_')) throw error;
      return { ...report, outcome: error.message, illiadUser: null, calls };
    }
  }

  /**
   * A connection to the partner's ILLiad for tools that only look (the username match report,
   * docs/doctor-users.md): the export's address, key and call timeout, but the caller's signal instead of the
   * export's 45 s deadline, since a report runs for as long as it has patrons. A sentence when it cannot be had.
   */
  connectionFor(partner: Partner, options: { signal: AbortSignal; onCall?: (call: IlliadCall) => void }): { ok: true; connection: IlliadConnection } | { ok: false; reason: string } {
    if (!exportsThroughApi(partner)) return { ok: false, reason: `partner ${partner.code} does not export to ILLiad (Export to third party is not Using API)` };
    const where = this.target(partner);
    if (!where.ok) return where;
    const connection = this.deps.connect(where.target, {
      signal: options.signal,
      onCall: options.onCall ?? (() => {}),
      ...(this.deps.callTimeoutMs === undefined ? {} : { callTimeoutMs: this.deps.callTimeoutMs }),
    });
    return { ok: true, connection };
  }

  private open(target: IlliadTarget, calls: string[]): IlliadConnection {
    return this.deps.connect(target, {
      signal: AbortSignal.timeout(EXPORT_DEADLINE_MS),
      onCall: (call) => calls.push(describeCall(call)),
      ...(this.deps.callTimeoutMs === undefined ? {} : { callTimeoutMs: this.deps.callTimeoutMs }),
    });
  }

  private async findUser(connection: IlliadConnection, partner: NcipPartner, patron: Patron, username: string): Promise<IlliadUser | undefined> {
    const byName = await connection.userByUsername(username);
    if (byName) return byName;
    if (partner.ncip.exportToThirdParty.searchUserInIlliadUsing === 'EMAIL_ADDRESS' && patron.email) return connection.userByExternalId(patron.email);
    return undefined;
  }

  private async findOrCreateUser(connection: IlliadConnection, partner: NcipPartner, patron: Patron, username: string): Promise<Found> {
    const existing = await this.findUser(connection, partner, patron, username);
    if (existing) return { ok: true, user: existing };
    const settings = partner.ncip.exportToThirdParty;
    const byEmail = settings.searchUserInIlliadUsing === 'EMAIL_ADDRESS' && patron.email ? ` (nor one with e-mail ${patron.email})` : '';
    if (!settings.createUserInIlliad) {
      const type = USER_IDENTIFIER_TYPE.labels[partner.ncip.generalInformation.userIdentifierType];
      return { ok: false, reason: `ILLiad has no user ${username}${byEmail} and Create User In ILLiad is off; create the user in ILLiad (or check the partner's User Identifier Type, ${type}), then resend` };
    }
    // Searching by e-mail means the key's External User ID mapping is the e-mail column; otherwise the username.
    const searchesByEmail = settings.searchUserInIlliadUsing === 'EMAIL_ADDRESS' && patron.email !== null;
    const created = await connection.createUser({
      username,
      externalUserId: searchesByEmail ? patron.email! : username,
      firstName: patron.firstName,
      lastName: patron.lastName,
      email: patron.email,
      nvtgc: settings.nvtgc,
      status: settings.status,
      notificationMethod: settings.notificationMethod,
      deliveryMethod: settings.deliveryMethod,
      loanDeliveryMethod: settings.loanDeliveryMethod,
      electronicDelivery: settings.electronicDelivery,
      authType: settings.authType,
    });
    if (created !== 'exists') return { ok: true, user: created };
    // Created by someone else between our lookup and our POST: use it.
    const raced = await connection.userByUsername(username);
    return raced ? { ok: true, user: raced } : { ok: false, reason: `ILLiad says user ${username} exists but does not return it` };
  }

  /** A staff note linking the ILLiad transaction back to our request; failing to add it does not fail the export. */
  private async addNote(connection: IlliadConnection, transactionNumber: number, request: BorrowingRequest): Promise<void> {
    const tried = request.rota.filter((entry) => entry.state !== 'WAITING' && entry.state !== 'SENT').map((entry) => `${entry.partner} (${entry.state.toLowerCase()}${entry.reason ? `: ${entry.reason}` : ''})`);
    const note = `Interlend borrowing request ${request.id} for patron ${request.patron}.${tried.length ? ` Tried before ILLiad: ${tried.join(', ')}.` : ''}`;
    try {
      await connection.addStaffNote(transactionNumber, note);
    } catch (error) {
      if (!(error instanceof InterlendError)) throw error;
    }
  }
}
