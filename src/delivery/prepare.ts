// Pure: the exact bytes to send (encodeBody, once per event and content type) and, around them, the
// request with its headers; the signatures over those same bytes come from signer.ts.
import type { Signatures } from '../domain/signature.js';
import type { ClaimedDelivery } from '../storage/delivery-store.js';
import { USER_AGENT } from './build-id.js';

/** A request ready to send, and the headers as they will be recorded (credentials masked). */
export interface PreparedRequest {
  url: string;
  body: Buffer;
  headers: Record<string, string>;
  recordedHeaders: Record<string, string>;
  insecureSsl: boolean;
}

/** Plaintext secrets of the hook (decrypted by the caller). */
export interface HookSecrets {
  secret: string | null;
  username: string | null;
  password: string | null;
}

/** Encodes the payload as the hook's content type asks: raw JSON, or `payload=<urlencoded JSON>`. */
export function encodeBody(payload: string, contentType: 'json' | 'form'): Buffer {
  if (contentType === 'json') return Buffer.from(payload, 'utf8');
  return Buffer.from(new URLSearchParams({ payload }).toString(), 'utf8');
}

/** `signatures` are over `body` with the hook's secret (null when it has none); `credentials` are sent as Basic auth. */
export function prepare(
  d: ClaimedDelivery, body: Buffer, signatures: Signatures | null, credentials: Pick<HookSecrets, 'username' | 'password'>,
): PreparedRequest {
  const hook = d.hook;
  const headers: Record<string, string> = {
    Accept: '*/*',
    'Content-Type': hook.config.contentType === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
    'User-Agent': USER_AGENT,
    'X-GitHub-Delivery': d.guid,
    'X-GitHub-Event': d.event,
    'X-GitHub-Hook-ID': String(hook.id),
    'X-GitHub-Hook-Installation-Target-ID': String(hook.owner.id),
    'X-GitHub-Hook-Installation-Target-Type': hook.owner.type,
  };
  if (signatures !== null) {
    headers['X-Hub-Signature'] = signatures.sha1;
    headers['X-Hub-Signature-256'] = signatures.sha256;
  }
  const recordedHeaders = { ...headers };
  if (credentials.username !== null || credentials.password !== null) {
    const basic = `${credentials.username ?? ''}:${credentials.password ?? ''}`;
    headers.Authorization = `Basic ${Buffer.from(basic, 'utf8').toString('base64')}`;
    recordedHeaders.Authorization = 'Basic ********';
  }
  return { url: hook.config.url, body, headers, recordedHeaders, insecureSsl: hook.config.insecureSsl === '1' };
}
