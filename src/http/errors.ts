// The one place errors become responses, in GitHub's shape: {message, errors?, documentation_url, status}.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError, ValidationFailed } from '../domain/errors.js';

export const DOCS_BASE = 'https://docs.github.com/rest';

/** GitHub's error body; `status` is the HTTP status as a string. */
export function errorBody(status: number, message: string, docs: string | undefined, errors?: unknown[]) {
  return {
    message,
    ...(errors ? { errors } : {}),
    documentation_url: docs ? `${DOCS_BASE}/${docs}` : DOCS_BASE,
    status: String(status),
  };
}

export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const docs = request.routeOptions?.config?.docs;
  if (error instanceof ServiceError) {
    const errors = error instanceof ValidationFailed ? error.errors : undefined;
    void reply.code(error.status).send(errorBody(error.status, error.message, docs, errors));
    return;
  }
  const code = (error as FastifyError).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    void reply.code(413).send(errorBody(413, 'Request body is too large', docs));
    return;
  }
  const status = (error as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) {
    void reply.code(status).send(errorBody(status, status === 400 ? 'Problems parsing JSON' : error.message, docs));
    return;
  }
  request.log.error({ err: error, requestId: request.id }, 'unexpected error');
  void reply.code(500).send(errorBody(500, 'Server Error', docs));
}

export function handleNotFound(_request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send(errorBody(404, 'Not Found', undefined));
}
