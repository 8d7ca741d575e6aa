import { isDuplicateKey, type Dialect } from '@tessera/database';
import { LessThan, MoreThan, type EntityManager } from 'typeorm';
import type { DeviceFlow, DeviceFlowState, LoginIdentity, NewDeviceFlow, PollPace } from '../model.js';
import { DuplicateKeyError, type DeviceFlows } from '../stores.js';
import { deleteExpired } from './delete-expired.js';
import { DeviceFlowEntity, type DeviceFlowRow } from './entities.js';
import { identityColumns, identityOf, orUndefined, originColumns, originOf } from './row-parts.js';

/** RFC 8628 §3.5: each slow_down adds 5 seconds to the interval. */
const SLOW_DOWN_S = 5;

/** The latest previous poll that still makes a poll at `:now` in time: `:now` minus the flow's
 * interval, plus `:slackMs`. Exact to the millisecond on both dialects. */
const IN_TIME_UNTIL: Record<Dialect, string> = {
  mariadb: 'DATE_SUB(:now, INTERVAL ((interval_seconds * 1000 - :slackMs) * 1000) MICROSECOND)',
  sqlite: "strftime('%Y-%m-%d %H:%M:%f', :now, ((:slackMs - interval_seconds * 1000) / 1000.0) || ' seconds')",
};

function toDeviceFlow(row: DeviceFlowRow): DeviceFlow {
  return {
    id: row.id,
    deviceCodeHash: row.deviceCodeHash,
    userCode: row.userCode,
    clientId: row.clientId,
    scopes: row.scopes,
    state: row.state as DeviceFlowState,
    interval: row.intervalSeconds,
    lastPolledAt: orUndefined(row.lastPolledAt),
    origin: originOf(row),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    identity: identityOf(row),
    grantedScopes: row.grantedScopes,
    denial: row.denial ?? undefined,
  };
}

/** Every change is one conditional UPDATE: the state moves forward only, and whoever's UPDATE
 * matched the row won (stores.ts). */
export class TypeormDeviceFlows implements DeviceFlows {
  constructor(
    private readonly manager: EntityManager,
    private readonly dialect: Dialect,
  ) {}

  get #repository() {
    return this.manager.getRepository(DeviceFlowEntity);
  }

  async create(flow: NewDeviceFlow) {
    const row: DeviceFlowRow = {
      id: flow.id,
      deviceCodeHash: flow.deviceCodeHash,
      userCode: flow.userCode,
      clientId: flow.clientId,
      scopes: [...flow.scopes],
      state: 'pending',
      intervalSeconds: flow.interval,
      lastPolledAt: null,
      ...originColumns(flow.origin),
      createdAt: flow.createdAt,
      expiresAt: flow.expiresAt,
      userId: null,
      group: null,
      vo: null,
      provider: null,
      providerSubject: null,
      grantedScopes: undefined,
      denial: null,
    };
    try {
      await this.#repository.insert(row);
    } catch (error) {
      if (isDuplicateKey(error)) throw new DuplicateKeyError('a device flow with this user code or device code exists', { cause: error });
      throw error;
    }
    return toDeviceFlow(row);
  }

  async byDeviceCodeHash(deviceCodeHash: string) {
    return this.#one({ deviceCodeHash });
  }

  async byUserCode(userCode: string) {
    return this.#one({ userCode });
  }

  async byId(id: string) {
    return this.#one({ id });
  }

  async #one(where: Partial<Pick<DeviceFlowRow, 'id' | 'userCode' | 'deviceCodeHash'>>) {
    const row = await this.#repository.findOneBy(where);
    return row ? toDeviceFlow(row) : undefined;
  }

  async recordPoll(id: string, now: Date, slackMs: number): Promise<PollPace | undefined> {
    // Two compare-and-sets, never a read-modify-write: a poll in time moves only the poll time;
    // otherwise the slow_down is recorded with it. Two racing polls cannot both be in time.
    const inTime = await this.#repository
      .createQueryBuilder()
      .update()
      .set({ lastPolledAt: now })
      .where(`id = :id AND (last_polled_at IS NULL OR last_polled_at <= ${IN_TIME_UNTIL[this.dialect]})`, { id, now, slackMs })
      .execute();
    if (inTime.affected) return 'in-time';
    const tooFast = await this.#repository
      .createQueryBuilder()
      .update()
      .set({ lastPolledAt: now, intervalSeconds: () => `interval_seconds + ${SLOW_DOWN_S}` })
      .where('id = :id', { id })
      .execute();
    return tooFast.affected ? 'too-fast' : undefined;
  }

  async approve(id: string, identity: LoginIdentity, grantedScopes: readonly string[], now: Date) {
    const result = await this.#repository.update({ id, state: 'pending', expiresAt: MoreThan(now) }, { state: 'approved', ...identityColumns(identity), grantedScopes: [...grantedScopes] });
    return Boolean(result.affected);
  }

  async deny(id: string, reason: string) {
    return Boolean((await this.#repository.update({ id, state: 'pending' }, { state: 'denied', denial: reason.slice(0, 256) })).affected);
  }

  async consume(id: string) {
    return Boolean((await this.#repository.update({ id, state: 'approved' }, { state: 'consumed' })).affected);
  }

  async deleteExpired(before: Date, limit: number) {
    const { deleted } = await deleteExpired(this.manager, DeviceFlowEntity, 'id', { where: [{ expiresAt: LessThan(before) }], order: { expiresAt: 'ASC' }, limit });
    return deleted;
  }

  async countPending(now: Date) {
    return this.#repository.countBy({ state: 'pending', expiresAt: MoreThan(now) });
  }
}
