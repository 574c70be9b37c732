import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntraProblem } from './graph-reader.js';
import { announceAlertsChanged } from '../../events/event-bus.js';

/**
 * Problems only an administrator can fix in the app registration (tenant, client id, secret,
 * permissions): a run or test meeting one records it on the connection, and an alert shows it
 * until a run or test works again or the credentials are replaced. Throttling and network trouble
 * pass by themselves and are retried instead.
 */
export const CREDENTIAL_PROBLEMS: ReadonlySet<EntraProblem> = new Set(['TENANT', 'CLIENT_ID', 'SECRET', 'PERMISSION']);

/** Records what a run or test found about a connection's credentials. */
export async function recordCredentialCheck(em: EntityManager, connectionId: string, outcome: { ok: true } | { ok: false; problem: EntraProblem; message: string }, now: Date): Promise<void> {
  let changed: Array<{ organization_id: string }>;
  if (outcome.ok) {
    changed = await em.execute(
      `UPDATE entra_connection SET credentials_failed_at = NULL, credentials_problem = NULL, credentials_message = NULL WHERE id = ? AND credentials_failed_at IS NOT NULL RETURNING organization_id`,
      [connectionId],
    );
  } else {
    if (!CREDENTIAL_PROBLEMS.has(outcome.problem)) return;
    // The first failure's time is kept while the trouble lasts: it names the alert, so one that an
    // administrator dismissed stays dismissed until the credentials work and fail again.
    changed = await em.execute(
      `UPDATE entra_connection SET credentials_failed_at = coalesce(CASE WHEN credentials_problem = ? THEN credentials_failed_at END, ?), credentials_problem = ?, credentials_message = ? WHERE id = ? RETURNING organization_id`,
      [outcome.problem, now, outcome.problem, outcome.message, connectionId],
    );
  }
  if (changed[0]) await announceAlertsChanged(em, changed[0].organization_id);
}
