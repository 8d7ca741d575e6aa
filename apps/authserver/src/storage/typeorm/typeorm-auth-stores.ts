import type { Dialect } from '@tessera/database';
import type { EntityManager } from 'typeorm';
import type { AuthStores } from '../stores.js';
import { TypeormAuthorizationFlows } from './typeorm-authorization-flows.js';
import { TypeormDeviceFlows } from './typeorm-device-flows.js';
import { TypeormSessions } from './typeorm-sessions.js';

/** The stores over one entity manager (a transaction's, or the data source's own). Row locks exist
 * on MariaDB only; on SQLite the transactions run one at a time instead. */
export function typeormAuthStores(manager: EntityManager, dialect: Dialect): AuthStores {
  const canLock = dialect === 'mariadb';
  return { deviceFlows: new TypeormDeviceFlows(manager, dialect), authorizationFlows: new TypeormAuthorizationFlows(manager, canLock), sessions: new TypeormSessions(manager, canLock) };
}
