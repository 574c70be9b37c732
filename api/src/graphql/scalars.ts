import { DateTimeResolver, JSONObjectResolver, JSONResolver } from 'graphql-scalars';

/** ISO 8601 timestamps. */
export const DateTimeScalar = DateTimeResolver;
/** A JSON object, used for a person's field values keyed by field key. */
export const JSONObjectScalar = JSONObjectResolver;
/** Any JSON value, used for audit before/after values. */
export const JSONScalar = JSONResolver;
