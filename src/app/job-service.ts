import { type JobState, JOB_STATES, type Storage, type Clock } from './ports.ts';
import { notFound, problemError } from '../domain/errors.ts';

/** Jobs as staff see them: what failed and why, and a retry. */
export class JobService {
  constructor(private readonly deps: { storage: Storage; clock: Clock }) {}

  async list(query: { state?: string; type?: string; limit: number; offset: number }) {
    if (query.state !== undefined && !(JOB_STATES as readonly string[]).includes(query.state)) {
      throw problemError('ILL_ERR_BAD_REQUEST', [{ path: 'state', message: `${JSON.stringify(query.state)} is not a job state: use ${JOB_STATES.join(', ')}` }]);
    }
    return this.deps.storage.read.jobs.list({ ...query, state: query.state as JobState | undefined });
  }

  async get(id: string) {
    const job = await this.deps.storage.read.jobs.get(id);
    if (!job) throw notFound(`job ${id}`);
    return job;
  }

  async retry(id: string) {
    const job = await this.get(id);
    if (!(await this.deps.storage.read.jobs.retry(id, this.deps.clock.now()))) {
      throw problemError('ILL_ERR_INVALID_TRANSITION', [{ path: 'state', message: `job ${id} is ${job.state}; only a failed job can be retried` }]);
    }
    return this.get(id);
  }

  counts() {
    return this.deps.storage.read.jobs.countByState();
  }
}
