import type { PersonStatus, PersonValues } from '../../people/person.entity.js';
import type { FieldChange } from '../../audit/audit-entry.entity.js';

/** What a source (Entra, SCIM, CSV) says about one person, before mapping. */
export interface SourceRecord {
  /** How the source recognises the person: directory object id, SCIM id, CSV row UID. */
  anchor: string;
  attributes: Record<string, unknown>;
  /**
   * False for disabled or deleted accounts: the person becomes inactive. Null when a partial
   * record does not say (the status stays as it is).
   */
  active: boolean | null;
  /**
   * A delta record carries only the attributes that changed: mapped fields whose attribute is
   * absent keep their stored values instead of being cleared.
   */
  partial?: boolean;
  /**
   * Set when the source itself found the record unusable (a CSV row with the wrong number of
   * values, a missing required value): reported as a problem, and its person is kept.
   */
  problem?: string;
}

/** A source record after the list's mapping: normalised values of the fields the source owns. */
export interface DesiredPerson {
  anchor: string;
  /** For a partial record, only the fields it says something about. */
  values: PersonValues;
  active: boolean | null;
  partial?: boolean;
}

/** A person as stored, as far as planning needs it. */
export interface CurrentPerson {
  id: string;
  uid: string;
  status: PersonStatus;
  values: PersonValues;
  source: string | null;
  sourceAnchor: string | null;
}

export interface PlanOptions {
  /** The source name stored on people it manages, e.g. "entra". */
  source: string;
  /** The list's UID field key. */
  uidKey: string;
  /** A field holding email addresses, used as the last matching resort. */
  emailKey: string | null;
  /** Field keys the source owns (mapped); only these are compared and written. */
  ownedKeys: readonly string[];
  /**
   * `full`: the desired set is the whole scope, so this source's people missing from it are
   * deactivated. `delta`: only the records given changed; `removedAnchors` left the scope.
   */
  mode: 'full' | 'delta';
  removedAnchors?: readonly string[];
  /**
   * Anchors the source returned but that could not be mapped (invalid values): those people are
   * still in scope and must never be deactivated because of a bad value.
   */
  skippedAnchors?: readonly string[];
  /** Create people for disabled accounts too (as INACTIVE); by default they are not created. */
  createInactive?: boolean;
  /**
   * A hand-fed source (CSV): people no source manages (added by hand) are its own too, so a full
   * run deactivates those missing; people another source manages (a directory) are matched and
   * their fields updated, but stay with that source (never re-anchored, never deactivated).
   */
  handFed?: boolean;
}

export interface PlannedCreate {
  anchor: string;
  uid: string;
  values: PersonValues;
  /** Absent means ACTIVE (plans held before this field existed). */
  status?: 'ACTIVE' | 'INACTIVE';
}

export interface PlannedUpdate {
  personId: string;
  uid: string;
  anchor: string;
  /** Only the owned fields that change, with before and after. */
  changes: FieldChange[];
  /** The complete values after the update (local-only fields untouched). */
  values: PersonValues;
  /** True when the person is adopted by this source or re-anchored (matched by UID or email). */
  reanchor: boolean;
}

export interface PlannedStatusChange {
  personId: string;
  uid: string;
  reason: 'removed_from_scope' | 'disabled_at_source' | 'back_in_scope';
}

export interface PlanProblem {
  anchor: string;
  reason: string;
}

/** The changeset a plan produces: everything apply will write, and nothing else. */
export interface Plan {
  creates: PlannedCreate[];
  updates: PlannedUpdate[];
  deactivations: PlannedStatusChange[];
  reactivations: PlannedStatusChange[];
  unchanged: number;
  problems: PlanProblem[];
}
