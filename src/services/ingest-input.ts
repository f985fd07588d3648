// POST /hookline/events, between authentication and `emit`: the request body checked against the
// schema and the names it gives (repository, organization, sender) resolved to records.
import { ValidationFailed, type FieldError } from '../domain/errors.js';
import { ORGANIZATION_EVENTS } from '../domain/events.js';
import { checkTexts } from '../domain/text-limits.js';
import type { Account, Repository } from '../domain/model.js';
import type { Store } from '../storage/store.js';
import type { EmitInput } from './events.js';
import { bodySchema } from './request-schema.js';

const ingestBody = bodySchema<{
  event: string; action?: string | null; repository?: string; organization?: string; sender?: string; payload: Record<string, unknown>;
}>(
  {
    type: 'object',
    required: ['event', 'payload'],
    additionalProperties: false,
    properties: {
      event: { type: 'string' },
      action: { type: ['string', 'null'] },
      repository: { type: 'string' },
      organization: { type: 'string' },
      sender: { type: 'string' },
      payload: { type: 'object' },
    },
  },
  { required: true },
);

/** The event a valid ingest body describes, fanned out to its subscribers; `sender` defaults to the caller. */
export async function parseIngest(store: Store, caller: Account, body: unknown): Promise<EmitInput> {
  const input = ingestBody.check(body);
  const errors: FieldError[] = checkTexts('Event', [
    ['event', input.event, 'action'], ['action', input.action, 'action'], ['repository', input.repository, 'lookup'],
    ['organization', input.organization, 'lookup'], ['sender', input.sender, 'lookup'],
  ]);
  if (errors.length > 0) throw new ValidationFailed(errors);
  if (!ORGANIZATION_EVENTS.has(input.event) && input.event !== 'ping') {
    errors.push({ resource: 'Event', code: 'invalid', field: 'event', message: `"${input.event}" is not a known event` });
  }
  // Only repository and organization hooks (and Apps installed on them) exist: an event with neither could reach no one.
  if (input.repository === undefined && input.organization === undefined) {
    errors.push({ resource: 'Event', code: 'missing_field', field: 'repository', message: 'repository or organization is required: no hook could receive an event without either' });
  }
  const repo = input.repository ? await findRepository(store, input.repository, errors) : null;
  let org: Account | null = repo?.owner.type === 'Organization' ? repo.owner : null;
  if (input.organization) {
    const named = await store.findAccountByLogin(input.organization);
    if (!named || named.type !== 'Organization') {
      errors.push({ resource: 'Event', code: 'invalid', field: 'organization', message: `organization ${input.organization} not found` });
    } else if (repo && repo.owner.id !== named.id) {
      errors.push({ resource: 'Event', code: 'invalid', field: 'organization', message: `${input.repository} does not belong to ${input.organization}` });
    } else org = named;
  }
  let sender = caller;
  if (input.sender) {
    const named = await store.findAccountByLogin(input.sender);
    if (!named) errors.push({ resource: 'Event', code: 'invalid', field: 'sender', message: `user ${input.sender} not found` });
    else sender = named;
  }
  const payloadAction = typeof input.payload.action === 'string' ? input.payload.action : null;
  if (input.action != null && payloadAction !== null && input.action !== payloadAction) {
    errors.push({ resource: 'Event', code: 'invalid', field: 'action', message: `action "${input.action}" differs from payload.action "${payloadAction}"` });
  }
  if (errors.length > 0) throw new ValidationFailed(errors);
  return { event: input.event, action: input.action ?? payloadAction, payload: input.payload, repository: repo, organization: org, sender };
}

async function findRepository(store: Store, fullName: string, errors: FieldError[]): Promise<Repository | null> {
  const [owner, name, extra] = fullName.split('/');
  const repo = owner && name && extra === undefined ? await store.findRepository(owner, name) : null;
  if (!repo) errors.push({ resource: 'Event', code: 'invalid', field: 'repository', message: `repository ${fullName} not found` });
  return repo;
}
