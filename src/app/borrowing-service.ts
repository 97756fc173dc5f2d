/**
 * Borrowing requests: creation (rules → rota → locate → first partner), staff actions, partners' answers, and the
 * jobs that send requests and time partners out. Every change is saved with its history and its jobs in one
 * transaction, guarded by the request's version.
 */
import type { Env } from '../domain/config/env-refs.ts';
import type { Partner } from '../domain/config/partner.ts';
import type { Patron } from '../domain/config/patron.ts';
import type { RotaRule } from '../domain/config/rota-rule.ts';
import { validate } from '../domain/config/validate.ts';
import { InterlendError, invalid, notFound, problemError } from '../domain/errors.ts';
import { type BorrowingRequest, CITATION_FIELDS, type Citation, newBorrowingRequestSchema } from '../domain/request/borrowing-request.ts';
import { type Actor, allowedActions, BORROWING_MODEL, type BorrowingStatus } from '../domain/request/state-model.ts';
import { type LocateAnswer, locateStatic } from '../domain/rota/locate.ts';
import { askPeers, type AvailabilityAsker } from './availability.ts';
import { buildRota, type RotaEntry, type RotaSkip } from '../domain/rota/rota-building.ts';
import { evaluateRules, type RequestAttributes, type RuleTrace } from '../domain/rota/rule-evaluation.ts';
import { applyAction, type Effect, moveOn, type WalkContext } from '../domain/rota/walk.ts';
import { ConfigCache, type ConfigSnapshot } from './config-snapshot.ts';
import { noticeJob } from './notice-queue.ts';
import { notePartnerCall } from './partner-health.ts';
import type { Clock, HistoryEntry, IdSource, NcipMessageRecord, NewJob, PartnerAdapter, PartnerAnswer, Repositories, RequestListQuery, SendAttempt, SendResult, Storage } from './ports.ts';

export const JOB_SEND = 'rota.send';
/**
 * Tries of a send before a partner that cannot be reached loses the request to staff (Ready to be sent): with the
 * worker's backoff (5 s doubling to an hour) 30 tries span about 10 to 20 hours, so ILLiad down for a night
 * costs no one any work (the dashboard shows it meanwhile), while a partner gone for good is noticed within a day.
 */
export const SEND_MAX_ATTEMPTS = 30;

const conflict = (id: string) => new InterlendError('ILL_ERR_CONFLICT', `borrowing request ${id} was changed by someone else meanwhile; try again`);
export const JOB_ANSWER_TIMER = 'rota.answer-timer';
export const JOB_TELL_PARTNER = 'rota.tell-partner';

export interface BorrowingServiceDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly env: Env;
  /** The adapter that sends to a partner of its profile type. */
  readonly adapterFor: (partner: Partner) => PartnerAdapter;
  /** Asks peers with an INTERLEND locate profile whether they hold an item; without it they stay in the rota. */
  readonly askAvailability?: AvailabilityAsker;
}

interface Change {
  readonly request: BorrowingRequest;
  readonly effects: readonly Effect[];
  readonly history: readonly Omit<HistoryEntry, 'id' | 'requestId' | 'at'>[];
}

const MAX_SAVE_TRIES = 3;

export class BorrowingService {
  private readonly configCache = new ConfigCache();
  /** Rule sets known to be stored (added only after the transaction that stored them committed). */
  private readonly savedRuleSets = new Set<string>();
  /** Stored rule sets by id, for rebuilding traces; they never change, so they never go stale. */
  private readonly ruleSets = new Map<string, RotaRule[]>();

  constructor(private readonly deps: BorrowingServiceDeps) {}

  async create(input: unknown, actor: string): Promise<BorrowingRequest & { ruleTrace: readonly RuleTrace[] }> {
    const parsed = validate(newBorrowingRequestSchema, input);
    if (!parsed.ok) throw invalid(parsed.problems);
    const data = parsed.value;
    const id = this.deps.ids.newId();
    const now = this.deps.clock.now();
    // Peers are asked before the transaction: no network call holds the database (design.md decision 4).
    const peerAnswers = await this.askPeers(Object.fromEntries(CITATION_FIELDS.map((field) => [field, data[field]])) as Citation);
    const created = await this.deps.storage.transaction(async (repos) => {
      const config = await this.configCache.get(repos);
      const patron = await this.patronFor(repos, data.patron);
      const pickupLibrary = this.pickupLibrary(config, data.pickupLibrary, patron);
      const libraries = [...config.libraries.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
      const rsLibrary = libraries.find((l) => l.code === pickupLibrary && l.isResourceSharing) ?? libraries.find((l) => l.isResourceSharing);
      const citation = Object.fromEntries(CITATION_FIELDS.map((field) => [field, data[field]])) as Citation;
      let request: BorrowingRequest = {
        id,
        status: 'CREATED',
        patron: patron.primaryId,
        userGroup: patron.userGroup,
        citation,
        requestedFormat: data.requestedFormat,
        citationType: data.citationType,
        pickupLibrary,
        resourceSharingLibrary: rsLibrary?.code ?? null,
        neededBy: data.neededBy,
        levelOfService: data.levelOfService,
        patronNote: data.patronNote,
        routing: null,
        rota: [],
        rotaSkips: [],
        current: null,
        statusReason: null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      const history: Change['history'][number][] = [{ actor, action: 'create', fromStatus: null, toStatus: 'CREATED', reason: null, partner: null }];
      const located = this.locate(config, request, patron, now, peerAnswers);
      history.push(...located.history);
      request = located.request;
      await this.saveRuleSet(repos, config, now);
      await repos.borrowing.insert(request);
      await this.record(repos, request, located.effects, history, now);
      return { request, ruleTrace: located.ruleTrace, ruleSet: config.ruleSetId };
    });
    this.savedRuleSets.add(created.ruleSet);
    return { ...created.request, ruleTrace: created.ruleTrace };
  }

  async get(id: string): Promise<{ request: BorrowingRequest; ruleTrace: readonly RuleTrace[]; history: HistoryEntry[]; allowedActions: string[] }> {
    const request = await this.deps.storage.read.borrowing.get(id);
    if (!request) throw notFound(`borrowing request ${id}`);
    return {
      request,
      ruleTrace: await this.ruleTraceOf(request),
      history: await this.deps.storage.read.borrowing.history(id),
      allowedActions: allowedActions(BORROWING_MODEL, request.status, 'staff'),
    };
  }

  /** The NCIP messages ILLiad's add-on sent about the request, with our answers, oldest first. */
  async ncipMessages(id: string): Promise<NcipMessageRecord[]> {
    if (!(await this.deps.storage.read.borrowing.get(id))) throw notFound(`borrowing request ${id}`);
    return this.deps.storage.read.ncipMessages.ofRequest(id);
  }

  /** How each rota assignment rule decided for the request, rebuilt from the rule set and values it was routed by. */
  async ruleTraceOf(request: BorrowingRequest): Promise<readonly RuleTrace[]> {
    if (!request.routing) return [];
    const { ruleSet, attributes } = request.routing;
    let rules = this.ruleSets.get(ruleSet);
    if (!rules) {
      rules = await this.deps.storage.read.ruleSets.get(ruleSet);
      if (!rules) return [];
      if (this.ruleSets.size >= 100) this.ruleSets.clear();
      this.ruleSets.set(ruleSet, rules);
    }
    return evaluateRules(rules, attributes).trace;
  }

  list(query: RequestListQuery) {
    return this.deps.storage.read.borrowing.list(query);
  }

  /** Staff search (issue 8): the request with this id, or the requests a lender of last resort knows by this TN. */
  async findByReference(text: string): Promise<BorrowingRequest[]> {
    const reference = text.trim();
    if (!reference) return [];
    const byId = await this.deps.storage.read.borrowing.get(reference);
    if (byId) return [byId];
    return /^\d{1,18}$/.test(reference) ? this.deps.storage.read.borrowing.byThirdPartyNumber(reference) : [];
  }

  /** A staff action (or a partner's answer recorded by staff) on a request. */
  async act(id: string, action: string, by: Actor, actor: string, reason?: string): Promise<BorrowingRequest> {
    if (action === 'relocate') return this.relocate(id, actor, reason);
    return this.change(id, async (request, repos) => {
      const ctx = await this.walkContext(repos, reason);
      const step = applyAction(request, action, by, ctx);
      if (!step.ok) throw new InterlendError('ILL_ERR_INVALID_TRANSITION', step.reason, [{ path: 'action', message: step.reason }]);
      const partner = request.current === null ? null : request.rota[request.current]!.partner;
      return { request: step.request, effects: step.effects, history: [{ actor, action, fromStatus: step.from, toStatus: step.to, reason: reason ?? null, partner }] };
    });
  }

  /**
   * Runs a `rota.send` job: hands the request to the current partner's adapter and applies what came back. A partner
   * that cannot be reached makes the job run again (InterlendError ILL_ERR_PARTNER_UNAVAILABLE), and on the job's
   * last run sends the request to Ready to be sent, so no request waits on a partner nobody is talking to.
   */
  async runSend(payload: { requestId: string; entry: number }, attempt: SendAttempt = { number: 1, last: true }): Promise<void> {
    const request = await this.deps.storage.read.borrowing.get(payload.requestId);
    if (!request || !this.stillWith(request, payload.entry)) return; // moved on meanwhile: nothing to send
    const entry = request.rota[payload.entry]!;
    const partner = (await this.configCache.get(this.deps.storage.read)).partners.get(entry.partner);
    if (!partner) {
      await this.answer(payload.requestId, payload.entry, { action: 'send-failed', reason: `partner ${entry.partner} no longer exists` });
      return;
    }
    const result = await this.deps.adapterFor(partner).send(request, partner, attempt);
    if (result.unavailable !== undefined && !attempt.last) {
      await this.applyResult(payload.requestId, payload.entry, { ...result, note: `${partner.code} could not be reached (try ${attempt.number}); trying again later: ${result.unavailable}` });
      throw new InterlendError('ILL_ERR_PARTNER_UNAVAILABLE', result.unavailable);
    }
    const answer: PartnerAnswer | undefined =
      result.unavailable !== undefined
        ? { action: 'send-failed', reason: `${partner.code} could not be reached after ${attempt.number} tries: ${result.unavailable}` }
        : result.answer;
    await this.applyResult(payload.requestId, payload.entry, { ...result, ...(answer ? { answer } : {}) });
  }

  /**
   * Runs a `rota.tell-partner` job: the partner of rota entry `entry` hears what staff did (an ISO 18626
   * RequestingAgencyMessage). What was said goes in the history; a partner that cannot be reached is tried again.
   */
  async runTell(payload: { requestId: string; entry: number; action: string; note: string | null }, attempt: SendAttempt = { number: 1, last: true }): Promise<void> {
    const request = await this.deps.storage.read.borrowing.get(payload.requestId);
    const code = request?.rota[payload.entry]?.partner;
    const partner = code ? (await this.configCache.get(this.deps.storage.read)).partners.get(code) : undefined;
    if (!request || !partner) return;
    const adapter = this.deps.adapterFor(partner);
    if (!adapter.tell) return; // partners without a protocol for it (ILLiad, e-mail) are not told
    const result = await adapter.tell(request, partner, payload.action, payload.note);
    const lines = [...(result.calls ?? [])];
    if (result.unavailable !== undefined) lines.push(`${partner.code} could not be told of ${payload.action} (try ${attempt.number}${attempt.last ? ', the last' : ''}): ${result.unavailable}`);
    await this.change(request.id, async (current, repos) => {
      await this.notePartnerReached(repos, partner.code, result, this.deps.clock.now());
      const same = { actor: 'system', action: 'partner-call', fromStatus: current.status, toStatus: current.status, partner: partner.code };
      return lines.length ? { request: current, effects: [], history: lines.map((reason) => ({ ...same, reason })) } : undefined;
    });
    if (result.unavailable !== undefined && !attempt.last) throw new InterlendError('ILL_ERR_PARTNER_UNAVAILABLE', result.unavailable);
  }

  /** A send job given up on (parked by the worker): the request goes to Ready to be sent with the reason. */
  async sendAbandoned(payload: { requestId: string; entry: number }, reason: string): Promise<void> {
    const request = await this.deps.storage.read.borrowing.get(payload.requestId);
    if (!request || !this.stillWith(request, payload.entry)) return;
    await this.answer(payload.requestId, payload.entry, { action: 'send-failed', reason: `sending was given up: ${reason}` });
  }

  /** Runs a `rota.answer-timer` job: a partner that has not answered in its days loses the request. */
  async runAnswerTimer(payload: { requestId: string; entry: number }): Promise<void> {
    await this.change(payload.requestId, async (request, repos) => {
      const entry = request.rota[payload.entry];
      if (request.current !== payload.entry || request.status !== 'REQUEST_SENT_TO_PARTNER' || entry?.state !== 'SENT') return undefined;
      const days = Math.round((Date.parse(entry.answerBy ?? request.updatedAt) - Date.parse(entry.sentAt ?? request.updatedAt)) / 86_400_000);
      const reason = `no answer within ${days} day${days === 1 ? '' : 's'}`;
      const step = applyAction(request, 'no-answer', 'system', await this.walkContext(repos, reason));
      if (!step.ok) return undefined;
      return { request: step.request, effects: step.effects, history: [{ actor: 'system', action: 'no-answer', fromStatus: step.from, toStatus: step.to, reason, partner: entry.partner }] };
    });
  }

  /** A partner's answer about rota entry `entry`; ignored when the request has left that partner meanwhile. */
  async answer(requestId: string, entry: number, answer: PartnerAnswer): Promise<BorrowingRequest | undefined> {
    return this.applyResult(requestId, entry, { answer });
  }

  /** A line in the history from the partner of rota entry `entry` that changes nothing (ExpectToSupply, Overdue…). */
  async partnerNote(requestId: string, entry: number, note: string): Promise<void> {
    await this.applyResult(requestId, entry, { note });
  }

  /**
   * Applies what sending to rota entry `entry` gave, in one transaction: the calls made (history lines), the
   * export record, the partner's alert, and the answer's transition (and closing, when the partner closes
   * exported requests). Nothing changes when the request has left that partner meanwhile.
   */
  private async applyResult(requestId: string, entry: number, result: SendResult & { note?: string }): Promise<BorrowingRequest | undefined> {
    let applied: BorrowingRequest | undefined;
    await this.change(requestId, async (request, repos) => {
      const now = this.deps.clock.now();
      // Whether the partner answered is news about the partner even when the request has left it meanwhile.
      const called = request.rota[entry]?.partner;
      if (called) await this.notePartnerReached(repos, called, result, now);
      if (request.current !== entry) return undefined;
      const code = request.rota[entry]!.partner;
      const same = { fromStatus: request.status, toStatus: request.status, partner: code };
      const history: Change['history'][number][] = (result.calls ?? []).map((call) => ({ actor: 'system', action: 'partner-call', reason: call, ...same }));
      if (result.note) history.push({ actor: 'system', action: 'note', reason: result.note, ...same });
      if (result.partnerAlert) await repos.partnerAlerts.put({ partner: code, message: result.partnerAlert, at: now });
      else if (result.partnerAlert === null) await repos.partnerAlerts.clear(code);
      let next = result.exported ? { ...request, exportedTo: { partner: code, ...result.exported, at: now } } : request;
      let effects: Effect[] = [];
      if (result.answer) {
        const { action, reason } = result.answer;
        const by = action.endsWith('-failed') || action === 'exported' ? 'system' : 'partner';
        const ctx = await this.walkContext(repos, reason);
        const step = applyAction(next, action, by, ctx);
        if (step.ok) {
          history.push({ actor: by === 'system' ? 'system' : `partner:${code}`, action, fromStatus: step.from, toStatus: step.to, reason: reason ?? null, partner: code });
          next = step.request;
          effects = [...step.effects];
          const partner = ctx.partners.get(code);
          if (action === 'exported' && partner?.profileType === 'NCIP' && partner.ncip.exportToThirdParty.closeRequestWhenExported) {
            const closed = applyAction(next, 'complete', 'system', { ...ctx, reason: 'Close Request When Exported is on' });
            if (closed.ok) {
              history.push({ actor: 'system', action: 'complete', fromStatus: closed.from, toStatus: closed.to, reason: 'Close Request When Exported is on', partner: code });
              next = closed.request;
              effects.push(...closed.effects);
            }
          }
        }
      }
      if (history.length === 0) return undefined;
      applied = next;
      return { request: next, effects, history };
    });
    return applied;
  }

  /** The partner's outage record (partner-health.ts): calls made and not unavailable were answered. */
  private notePartnerReached(repos: Repositories, partner: string, result: Pick<SendResult, 'unavailable' | 'calls'>, now: string): Promise<void> {
    return notePartnerCall(repos, partner, { unavailable: result.unavailable, answered: Boolean(result.calls?.length) }, now);
  }

  private async relocate(id: string, actor: string, reason?: string): Promise<BorrowingRequest> {
    let ruleSet: string | undefined;
    const before = await this.deps.storage.read.borrowing.get(id);
    const peerAnswers = before ? await this.askPeers(before.citation) : new Map<string, LocateAnswer>();
    const relocated = await this.change(id, async (request, repos) => {
      if (!allowedActions(BORROWING_MODEL, request.status, 'staff').includes('relocate')) {
        throw new InterlendError('ILL_ERR_INVALID_TRANSITION', `relocate is not allowed now; allowed now: ${allowedActions(BORROWING_MODEL, request.status, 'staff').join(', ') || 'nothing'}`);
      }
      const patron = await this.patronFor(repos, request.patron, { forRelocate: true });
      const now = this.deps.clock.now();
      const config = await this.configCache.get(repos);
      const located = this.locate(config, { ...request, rota: [], rotaSkips: [], current: null }, patron, now, peerAnswers);
      await this.saveRuleSet(repos, config, now);
      ruleSet = config.ruleSetId;
      const history = located.history.map((h, i) => (i === 0 ? { ...h, actor, action: 'relocate', fromStatus: request.status, reason: reason ?? null } : h));
      return { request: located.request, effects: located.effects, history };
    });
    if (ruleSet) this.savedRuleSets.add(ruleSet);
    return relocated;
  }

  /** Stores the rule set a request is routed by, once per process and rule set (the insert ignores a known set). */
  private async saveRuleSet(repos: Repositories, config: ConfigSnapshot, now: string): Promise<void> {
    if (!this.savedRuleSets.has(config.ruleSetId)) await repos.ruleSets.save(config.ruleSetId, config.rules, now);
  }

  /** Rules → templates → rota → locate → the first partner (or Locate failed). */
  /** What peers with an INTERLEND locate profile say about the citation (none asked without the asker). */
  private async askPeers(citation: Citation): Promise<ReadonlyMap<string, LocateAnswer>> {
    if (!this.deps.askAvailability) return new Map();
    const { partners } = await this.configCache.get(this.deps.storage.read);
    return askPeers(partners.values(), citation, this.deps.askAvailability, this.deps.env);
  }

  private locate(config: ConfigSnapshot, request: BorrowingRequest, patron: Patron, now: string, peerAnswers: ReadonlyMap<string, LocateAnswer>) {
    const attributes: RequestAttributes = {
      REQUESTED_FORMAT: request.requestedFormat,
      CITATION_TYPE: request.citationType,
      USER_GROUP: request.userGroup,
      PICKUP_LIBRARY: request.pickupLibrary,
      RESOURCE_SHARING_LIBRARY: request.resourceSharingLibrary,
      LEVEL_OF_SERVICE: request.levelOfService,
    };
    const outcome = evaluateRules(config.rules, attributes);
    const templateByCode = config.templates;
    const partnerByCode = config.partners;
    const guestRefusal = (partner: Partner) =>
      patron.isGuest && partner.profileType === 'NCIP' && !partner.ncip.generalInformation.enableServiceForGuestUser ? `partner ${partner.code} does not serve guest users` : undefined;
    const built = buildRota({ templates: outcome.templates.map((t) => t.code), templateByCode, partnerByCode, seed: request.id, exclude: guestRefusal });
    if (patron.isGuest && built.entries.length === 0 && built.skips.some((s) => s.reason.endsWith('does not serve guest users'))) {
      const partners = built.skips.filter((s) => s.reason.endsWith('does not serve guest users')).map((s) => s.code);
      throw problemError('ILL_ERR_NOT_ALLOWED', [{ path: 'patron', message: `${patron.primaryId} is a guest user, and no partner of the rota serves guests (${partners.join(', ')})` }]);
    }
    const skips: RotaSkip[] = [...built.skips];
    const rota = built.entries.filter((entry) => {
      const partner = partnerByCode.get(entry.partner)!;
      if (!partner.locateProfile) return true; // no locate profile: the partner stays (ILLiad, design.md decision 4)
      const answer =
        partner.locateProfile.type === 'INTERLEND'
          ? (peerAnswers.get(partner.code) ?? { holds: true, reason: 'not asked; kept in the rota' })
          : locateStatic(partner, request.citation);
      if (!answer.holds) skips.push({ kind: 'partner', code: entry.partner, template: entry.template, reason: `not located: ${answer.reason}` });
      return answer.holds;
    });
    let located: BorrowingRequest = { ...request, status: 'LOCATE_IN_PROCESS', routing: { ruleSet: config.ruleSetId, attributes }, rota, rotaSkips: skips, current: null, updatedAt: now };
    const history: Change['history'][number][] = [{ actor: 'system', action: 'locate', fromStatus: request.status, toStatus: 'LOCATE_IN_PROCESS', reason: null, partner: null }];
    // What each peer asked over the network said (or why it was not asked), for the request's history.
    for (const entry of built.entries) {
      const answer = peerAnswers.get(entry.partner);
      if (answer) history.push({ actor: 'system', action: 'locate-answer', fromStatus: 'LOCATE_IN_PROCESS', toStatus: 'LOCATE_IN_PROCESS', reason: answer.reason, partner: entry.partner });
    }
    if (rota.length === 0) {
      const why = outcome.templates.length === 0 ? 'no rota assignment rule matched the request' : 'no partner is left in the rota after locate';
      located = { ...located, status: 'LOCATE_FAILED', statusReason: why };
      history.push({ actor: 'system', action: 'locate-failed', fromStatus: 'LOCATE_IN_PROCESS', toStatus: 'LOCATE_FAILED', reason: why, partner: null });
      return { request: located, effects: [] as Effect[], history, ruleTrace: outcome.trace };
    }
    const ctx: WalkContext = { now, partners: partnerByCode };
    const first = moveOn(located, ctx);
    history.push({ actor: 'system', action: 'send-to-first', fromStatus: 'LOCATE_IN_PROCESS', toStatus: first.request.status, reason: null, partner: rota[0]!.partner });
    return { request: first.request, effects: first.effects, history, ruleTrace: outcome.trace };
  }

  private stillWith(request: BorrowingRequest, entry: number): boolean {
    return request.current === entry && request.status === 'REQUEST_SENT_TO_PARTNER' && request.rota[entry]?.state === 'SENT';
  }

  private async walkContext(repos: Repositories, reason?: string): Promise<WalkContext> {
    const { partners } = await this.configCache.get(repos);
    return { now: this.deps.clock.now(), partners, ...(reason === undefined ? {} : { reason }) };
  }

  /**
   * Loads, changes and saves a request in one transaction with its history and jobs. A concurrent save (the
   * version moved on) is retried from a fresh read; `work` returning undefined means "nothing to do".
   */
  private async change(id: string, work: (request: BorrowingRequest, repos: Repositories) => Promise<Change | undefined>): Promise<BorrowingRequest> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.deps.storage.transaction((repos) => this.applyChange(repos, id, work));
      if (outcome.saved) return outcome.request;
      if (attempt >= MAX_SAVE_TRIES) throw conflict(id);
    }
  }

  private async applyChange(repos: Repositories, id: string, work: (request: BorrowingRequest, repos: Repositories) => Promise<Change | undefined>) {
    const request = await repos.borrowing.get(id);
    if (!request) throw notFound(`borrowing request ${id}`);
    const change = await work(request, repos);
    if (!change) return { saved: true as const, request };
    const next = { ...change.request, version: request.version + 1, updatedAt: this.deps.clock.now() };
    if (!(await repos.borrowing.update(next))) return { saved: false as const, request };
    await this.record(repos, next, change.effects, change.history, next.updatedAt);
    return { saved: true as const, request: next };
  }

  /**
   * A state-model action inside the caller's transaction, for messages that change items and the request together
   * (an NCIP AcceptItem). A concurrent change of the request fails with ILL_ERR_CONFLICT: the caller retries whole.
   */
  async actWithin(repos: Repositories, id: string, action: string, by: Actor, actor: string, reason?: string, options: { onlyIfAllowed?: boolean } = {}): Promise<BorrowingRequest> {
    const outcome = await this.applyChange(repos, id, async (request) => {
      const step = applyAction(request, action, by, await this.walkContext(repos, reason));
      if (!step.ok && options.onlyIfAllowed) return undefined; // e.g. already completed: nothing to do
      if (!step.ok) throw new InterlendError('ILL_ERR_INVALID_TRANSITION', step.reason, [{ path: 'action', message: step.reason }]);
      const partner = request.current === null ? null : (request.rota[request.current]?.partner ?? null);
      return { request: step.request, effects: step.effects, history: [{ actor, action, fromStatus: step.from, toStatus: step.to, reason: reason ?? null, partner }] };
    });
    if (!outcome.saved) throw conflict(id);
    return outcome.request;
  }

  /**
   * A request a broker partner sources itself (NCIP RequestItem with Support Borrowing): the broker is its one
   * rota entry and has it already (Request sent to partner), with no send job of ours. Inside the caller's
   * transaction.
   */
  createForPartner(
    repos: Repositories,
    input: { patron: Patron; partner: string; title: string; author: string | null; oclcNumber: string | null; pickupLibrary: string; owner: string | null; externalRequest: string | null; actor: string },
  ): Promise<BorrowingRequest> {
    const now = this.deps.clock.now();
    return this.createFromPartner(repos, input, {
      status: 'REQUEST_SENT_TO_PARTNER',
      citation: { oclcNumber: input.oclcNumber },
      entry: { state: 'SENT', reason: null, sentAt: now, answeredAt: null },
      why: `made from ${input.partner}'s RequestItem${input.externalRequest ? ` ${input.externalRequest}` : ''}`,
      step: { action: 'send-to-first', reason: 'the broker sources it' },
    });
  }

  /**
   * A request made from a partner's message about an item we never asked it for (an NCIP AcceptItem for a
   * transaction not exported from here): already received, owned by the partner's Default Library Owner, as Alma
   * does (design.md decision 8). Inside the caller's transaction.
   */
  createReceived(
    repos: Repositories,
    input: { patron: Patron; partner: string; title: string; author: string | null; pickupLibrary: string; owner: string | null; transactionNumber: number | null; username: string | null; received: boolean; actor: string },
  ): Promise<BorrowingRequest> {
    const now = this.deps.clock.now();
    return this.createFromPartner(repos, input, {
      // Automatic Receive off: announced (Shipped physically) until staff receive the item at the desk.
      status: input.received ? 'PHYSICALLY_RECEIVED_BY_LIBRARY' : 'SHIPPED_PHYSICALLY',
      citation: {},
      entry: { state: 'FILLED', reason: input.received ? 'the item arrived (NCIP AcceptItem)' : 'the item is announced (NCIP AcceptItem)', sentAt: null, answeredAt: now },
      why: `made from ${input.partner}'s AcceptItem: no request of ours has this item`,
      step: input.received ? { action: 'receive', reason: null } : { action: 'shipped-physically', reason: 'Automatic Receive is off: staff receive the item at the desk' },
      ...(input.transactionNumber === null ? {} : { exportedTo: { partner: input.partner, transactionNumber: input.transactionNumber, username: input.username ?? '', at: now } }),
    });
  }

  /** A request a partner's message made, with that partner as its one rota entry; history: create, then `step`. */
  private async createFromPartner(
    repos: Repositories,
    input: { patron: Patron; partner: string; title: string; author: string | null; pickupLibrary: string; owner: string | null; actor: string },
    made: {
      status: BorrowingStatus;
      citation: Partial<Citation>;
      entry: Pick<RotaEntry, 'state' | 'reason' | 'sentAt' | 'answeredAt'>;
      why: string;
      step: { action: string; reason: string | null };
      exportedTo?: BorrowingRequest['exportedTo'];
    },
  ): Promise<BorrowingRequest> {
    const now = this.deps.clock.now();
    const empty = Object.fromEntries(CITATION_FIELDS.map((field) => [field, null])) as unknown as Citation;
    const request: BorrowingRequest = {
      id: this.deps.ids.newId(),
      status: made.status,
      patron: input.patron.primaryId,
      userGroup: input.patron.userGroup,
      citation: { ...empty, title: input.title, author: input.author, ...made.citation },
      requestedFormat: 'PHYSICAL',
      citationType: 'BOOK',
      pickupLibrary: input.pickupLibrary,
      resourceSharingLibrary: input.owner,
      neededBy: null,
      levelOfService: 'STANDARD',
      patronNote: null,
      routing: null,
      rota: [{ partner: input.partner, template: 'NCIP', answerBy: null, ...made.entry }],
      rotaSkips: [],
      current: 0,
      statusReason: made.why,
      ...(made.exportedTo ? { exportedTo: made.exportedTo } : {}),
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await repos.borrowing.insert(request);
    const history = [
      { actor: input.actor, action: 'create', fromStatus: null, toStatus: 'CREATED' as const, reason: made.why, partner: input.partner },
      { actor: input.actor, action: made.step.action, fromStatus: 'CREATED' as const, toStatus: made.status, reason: made.step.reason, partner: input.partner },
    ];
    await this.record(repos, request, [], history, now);
    return request;
  }

  private async record(repos: Repositories, request: BorrowingRequest, effects: readonly Effect[], history: Change['history'], now: string): Promise<void> {
    await repos.borrowing.addHistory(
      history.map((entry) => ({ ...entry, id: this.deps.ids.newId(), requestId: request.id, at: now })),
      request.version,
    );
    const jobs = effects.map((effect) => ({ job: jobOf(effect), id: this.deps.ids.newId() }));
    await repos.jobs.enqueueAll(jobs, now);
  }

  private async patronFor(repos: Repositories, primaryId: string, options: { forRelocate?: boolean } = {}): Promise<Patron> {
    const found = (await repos.config('patrons').findByKey(primaryId))?.doc;
    if (!found) throw problemError('ILL_ERR_REFERENCE_NOT_FOUND', [{ path: 'patron', message: `names patron ${primaryId}, who does not exist` }]);
    if (options.forRelocate) return found;
    if (found.status !== 'ACTIVE') throw problemError('ILL_ERR_NOT_ALLOWED', [{ path: 'patron', message: `patron ${primaryId} is inactive` }]);
    if (found.blocks.length) {
      const blocks = found.blocks.map((b) => (b.note ? `${b.code} (${b.note})` : b.code)).join(', ');
      throw problemError('ILL_ERR_NOT_ALLOWED', [{ path: 'patron', message: `patron ${primaryId} is blocked: ${blocks}` }]);
    }
    const today = this.deps.clock.now().slice(0, 10);
    if (found.expiryDate && found.expiryDate < today) throw problemError('ILL_ERR_NOT_ALLOWED', [{ path: 'patron', message: `patron ${primaryId} expired on ${found.expiryDate}` }]);
    return found;
  }

  private pickupLibrary(config: ConfigSnapshot, asked: string | null, patron: Patron): string {
    const code = asked ?? patron.pickupLibrary ?? config.institution?.defaultPickupLibrary ?? null;
    const path = asked ? 'pickupLibrary' : 'patron';
    if (!code) throw problemError('ILL_ERR_VALIDATION', [{ path: 'pickupLibrary', message: 'is required: neither the patron nor the institution has a default pickup library' }]);
    const library = config.libraries.get(code);
    if (!library) throw problemError('ILL_ERR_REFERENCE_NOT_FOUND', [{ path, message: `names library ${code}, which does not exist` }]);
    if (!library.isPickup) throw problemError('ILL_ERR_NOT_ALLOWED', [{ path, message: `library ${code} is not a pickup library` }]);
    return code;
  }
}

/** The job an effect of the rota walk is: written with the change that caused it. */
function jobOf(effect: Effect): NewJob {
  switch (effect.type) {
    case 'send':
      return { type: JOB_SEND, key: effect.key, payload: { requestId: effect.requestId, entry: effect.entry }, maxAttempts: SEND_MAX_ATTEMPTS };
    case 'answer-timer':
      return { type: JOB_ANSWER_TIMER, key: effect.key, payload: { requestId: effect.requestId, entry: effect.entry }, runAt: effect.at };
    case 'tell-partner':
      return { type: JOB_TELL_PARTNER, key: effect.key, payload: { requestId: effect.requestId, entry: effect.entry, action: effect.action, note: effect.note } };
    case 'notice':
      return noticeJob({ type: effect.notice, key: effect.key, requestId: effect.requestId, loanId: null, endedAs: effect.endedAs });
  }
}

export type { BorrowingStatus };
