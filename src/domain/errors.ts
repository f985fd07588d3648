// Errors are values with a status; the HTTP layer renders them in GitHub's shape. Nothing here knows HTTP.

/** One entry of GitHub's `errors[]` in a 422 "Validation Failed" body. */
export interface FieldError {
  resource: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  field?: string;
  message?: string;
}

/** Base of every error a service throws on purpose. */
export class ServiceError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** 404: missing, or present but the caller may not administer it (GitHub hides which). */
export class NotFound extends ServiceError {
  constructor() {
    super(404, 'Not Found');
  }
}

/** 422 with GitHub's `errors[]` items. */
export class ValidationFailed extends ServiceError {
  constructor(readonly errors: FieldError[]) {
    super(422, 'Validation Failed');
  }
}

/** 422 "Invalid request." — schema violations (unknown keys, wrong types). */
export class InvalidRequest extends ServiceError {
  constructor(detail: string) {
    super(422, detail ? `Invalid request.\n\n${detail}` : 'Invalid request.');
  }
}

/** 400 for malformed requests (bad cursor, bad JSON, unsupported API version). */
export class BadRequest extends ServiceError {
  constructor(message: string) {
    super(400, message);
  }
}

export class Unauthorized extends ServiceError {
  constructor(message: 'Requires authentication' | 'Bad credentials') {
    super(401, message);
  }
}

export class Forbidden extends ServiceError {
  constructor(message = 'Must have admin rights to Repository.') {
    super(403, message);
  }
}

export class PayloadTooLarge extends ServiceError {
  constructor(message: string) {
    super(413, message);
  }
}

/** 503 when the database cannot be reached; clients may retry. */
export class Unavailable extends ServiceError {
  constructor(message = 'Service Unavailable') {
    super(503, message);
  }
}
