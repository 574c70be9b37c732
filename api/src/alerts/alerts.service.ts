import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../shared/clock.js';
import { errors } from '../shared/errors.js';
import { requireRole, type Viewer } from '../auth/viewer.js';
import { announceAlertsChanged } from '../events/event-bus.js';

export type AlertKind = 'SYNC_RUN_FAILED' | 'SYNC_RUN_HALTED' | 'CREDENTIALS_FAILED' | 'SECRET_EXPIRES_SOON' | 'SECRET_EXPIRED';
export type AlertSeverity = 'WARNING' | 'ERROR';

/** Something an administrator should act on, read from the state of runs and connections. */
export interface Alert {
  /** Names the occurrence: `run:<id>`, `credentials:<connection>:<first failure ms>`, `secret-soon|secret-expired:<connection>:<date>`. */
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  title: string;
  message: string;
  raisedAt: Date;
  listId: string | null;
  listName: string | null;
  runId: string | null;
  connectionId: string | null;
  connectionName: string | null;
  dismissedAt: Date | null;
  dismissedBy: string | null;
}

const DAY_MS = 86_400_000;

/**
 * Alerts for an organisation: the latest run of a list failed or halted (a later successful run
 * clears it), a connection's credentials stopped working, a client secret expires within
 * `warnDays` or has expired. Nothing is stored but dismissals: each alert is derived from the rows
 * that cause it, so it disappears when they are put right, in every process at once.
 */
export class AlertsService {
  constructor(private readonly deps: { clock: Clock; warnDays?: number }) {}

  async list(em: EntityManager, viewer: Viewer, opts: { includeDismissed?: boolean } = {}): Promise<Alert[]> {
    const org = viewer.organizationId;
    const now = this.deps.clock.now();
    const warnDays = this.deps.warnDays ?? 30;
    const today = now.toISOString().slice(0, 10);
    const horizon = new Date(now.getTime() + warnDays * DAY_MS).toISOString().slice(0, 10);
    const [runs, failing, expiring, dismissed] = await Promise.all([
      // The latest finished run of each list (dry runs are previews, not syncs).
      em.execute<Array<{ id: string; list_id: string; list_name: string; status: 'FAILED' | 'HALTED'; reason: string | null; source: string; finished_at: Date | string | null; created_at: Date | string }>>(
        `SELECT r.id, r.list_id, l.name AS list_name, r.status, r.reason, r.source, r.finished_at, r.created_at
           FROM (SELECT DISTINCT ON (list_id) id, list_id, status, reason, source, finished_at, created_at FROM sync_run
                  WHERE organization_id = ? AND mode <> 'DRY_RUN' AND status IN ('SUCCEEDED', 'FAILED', 'HALTED')
                  ORDER BY list_id, created_at DESC) r
           JOIN master_list l ON l.id = r.list_id AND l.archived_at IS NULL
          WHERE r.status IN ('FAILED', 'HALTED')`,
        [org],
      ),
      em.execute<Array<{ id: string; name: string; credentials_failed_at: Date | string; credentials_problem: string; credentials_message: string | null }>>(
        `SELECT id, name, credentials_failed_at, credentials_problem, credentials_message FROM entra_connection WHERE organization_id = ? AND credentials_failed_at IS NOT NULL`,
        [org],
      ),
      em.execute<Array<{ id: string; name: string; expires: string }>>(
        `SELECT id, name, to_char(secret_expires_at, 'YYYY-MM-DD') AS expires FROM entra_connection WHERE organization_id = ? AND secret_expires_at <= ?::date`,
        [org, horizon],
      ),
      em.execute<Array<{ alert_key: string; dismissed_by: string; dismissed_at: Date | string }>>(`SELECT alert_key, dismissed_by, dismissed_at FROM alert_dismissal WHERE organization_id = ?`, [org]),
    ]);
    const none = { listId: null, listName: null, runId: null, connectionId: null, connectionName: null, dismissedAt: null, dismissedBy: null };
    const alerts: Alert[] = [];
    for (const r of runs) {
      const failed = r.status === 'FAILED';
      alerts.push({
        ...none,
        id: `run:${r.id}`,
        kind: failed ? 'SYNC_RUN_FAILED' : 'SYNC_RUN_HALTED',
        severity: failed ? 'ERROR' : 'WARNING',
        title: failed ? `The last sync of "${r.list_name}" failed` : `The last sync of "${r.list_name}" is held for review`,
        message: failed
          ? `${r.reason ?? 'The run failed.'} Nothing was half-applied; the list keeps its previous state until a sync succeeds.`
          : `${r.reason ?? 'The run stopped before writing.'} Review the held changes on the list's Sync tab, then approve or cancel them.`,
        raisedAt: new Date(r.finished_at ?? r.created_at),
        listId: r.list_id,
        listName: r.list_name,
        runId: r.id,
      });
    }
    for (const c of failing) {
      alerts.push({
        ...none,
        id: `credentials:${c.id}:${new Date(c.credentials_failed_at).getTime()}`,
        kind: 'CREDENTIALS_FAILED',
        severity: 'ERROR',
        title: c.credentials_problem === 'PERMISSION' ? `The Entra connection "${c.name}" lost a permission` : `The Entra connection "${c.name}" cannot sign in`,
        message: `${c.credentials_message ?? 'Microsoft Entra ID refused the credentials.'} Syncs through this connection fail until it is fixed; test the connection after fixing it.`,
        raisedAt: new Date(c.credentials_failed_at),
        connectionId: c.id,
        connectionName: c.name,
      });
    }
    for (const c of expiring) {
      const expired = c.expires < today;
      const days = Math.round((Date.parse(`${c.expires}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS);
      alerts.push({
        ...none,
        id: `${expired ? 'secret-expired' : 'secret-soon'}:${c.id}:${c.expires}`,
        kind: expired ? 'SECRET_EXPIRED' : 'SECRET_EXPIRES_SOON',
        severity: expired ? 'ERROR' : 'WARNING',
        title: expired ? `The client secret of "${c.name}" expired on ${c.expires}` : `The client secret of "${c.name}" expires on ${c.expires}`,
        message: `${expired ? 'Syncs through this connection fail until it is replaced.' : days === 0 ? 'That is today.' : `That is in ${days} day${days === 1 ? '' : 's'}.`} Create a new secret under Certificates & secrets of the app registration in Entra ID, then save it and its expiry date on this connection.`,
        raisedAt: expired ? new Date(`${c.expires}T00:00:00Z`) : new Date(Date.parse(`${c.expires}T00:00:00Z`) - warnDays * DAY_MS),
        connectionId: c.id,
        connectionName: c.name,
      });
    }
    const byKey = new Map(dismissed.map((d) => [d.alert_key, d]));
    for (const a of alerts) {
      const d = byKey.get(a.id);
      if (d) Object.assign(a, { dismissedAt: new Date(d.dismissed_at), dismissedBy: d.dismissed_by });
    }
    return alerts
      .filter((a) => opts.includeDismissed || !a.dismissedAt)
      .sort((a, b) => (a.severity === b.severity ? b.raisedAt.getTime() - a.raisedAt.getTime() : a.severity === 'ERROR' ? -1 : 1));
  }

  /** Hides a current alert for everyone in the organisation until its cause occurs again. */
  async dismiss(em: EntityManager, viewer: Viewer, id: string): Promise<Alert> {
    requireRole(viewer, 'ADMIN');
    const alert = (await this.list(em, viewer, { includeDismissed: true })).find((a) => a.id === id);
    if (!alert) throw errors.notFound('Alert', id);
    const now = this.deps.clock.now();
    await em.execute(`INSERT INTO alert_dismissal (organization_id, alert_key, dismissed_by, dismissed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, [viewer.organizationId, id, viewer.actor.label, now]);
    await announceAlertsChanged(em, viewer.organizationId);
    return { ...alert, dismissedAt: alert.dismissedAt ?? now, dismissedBy: alert.dismissedBy ?? viewer.actor.label };
  }
}
