import { z } from 'zod';
import { filePath } from './config-path.js';

/**
 * mTLS material as files (cert-manager mounts them; the dev PKI writes them under `.dev/pki/`).
 * Every key is optional here because an app's section only overrides the top-level `tls`.
 */
export const tlsFilesSchema = z.strictObject({
  caFile: filePath.optional(),
  certFile: filePath.optional(),
  keyFile: filePath.optional(),
});

export type PartialTlsFiles = z.output<typeof tlsFilesSchema>;

/** What an app receives: all three files, after merging its section over the top-level one. */
export interface TlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export const TLS_KEYS = ['caFile', 'certFile', 'keyFile'] as const;

/** The keys neither the app's `tls` nor the top-level `tls` sets. */
export function missingTlsKeys(app: PartialTlsFiles | undefined, defaults: PartialTlsFiles | undefined): string[] {
  return TLS_KEYS.filter((k) => (app?.[k] ?? defaults?.[k]) === undefined);
}

/** Merges an app's `tls` over the default; call only after `missingTlsKeys` found nothing. */
export function mergeTls(app: PartialTlsFiles | undefined, defaults: PartialTlsFiles | undefined): TlsFiles {
  const pick = (k: (typeof TLS_KEYS)[number]) => app?.[k] ?? defaults?.[k] ?? '';
  return { caFile: pick('caFile'), certFile: pick('certFile'), keyFile: pick('keyFile') };
}
