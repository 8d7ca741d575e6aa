export { createLogger, CREDENTIAL_KEYS, type Logger, type LoggerOptions } from './logger.js';
export { createMetricsRegistry, startMetricsServer, Registry, type MetricsServer } from './metrics.js';
export { listen } from './listen.js';
