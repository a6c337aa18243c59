// Every list of values the interface offers (statuses, kinds, categories ...), in one place.
// Those the OpenAPI document enumerates come from it (generated at build time); the few it
// leaves as nullable enums, object keys or free strings are written here, and the compiler
// checks each against its type so that none misses or invents a value.

import {
  applicationStatusValues, callStateValues, eligibilityCheckStatusValues, feeModelValues, importFormatValues,
  jobStatusValues, matchingRequestSolverValues, organisationTypeValues, ownerTypeValues, projectCategoryValues,
  needsSettingValues, reportStatusValues, roleValues, spaceKindValues, spaceStatusValues, vacantForValues,
} from '../generated/openapi';
import type { BuildingType, Condition, Utility, Vacancy } from './types';

// A list naming every member of T: a missing one is a compile error, and so is an unknown one.
function every<T extends string>() {
  return <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : { missing: Exclude<T, L[number]> })) => list;
}

export const STATUSES = spaceStatusValues;
export const KINDS = spaceKindValues;
export const OWNER_TYPES = ownerTypeValues;
export const IMPORT_FORMATS = importFormatValues;
export const JOB_STATUSES = jobStatusValues;
export const VACANT_FOR = vacantForValues;
export const REPORT_STATUSES = reportStatusValues;
export const ROLES = roleValues;
export const CALL_STATES = callStateValues;
export const PROJECT_CATEGORIES = projectCategoryValues;
export const FEE_MODELS = feeModelValues;
export const ORGANISATION_TYPES = organisationTypeValues;
export const APPLICATION_STATUSES = applicationStatusValues;
export const ELIGIBILITY_STATUSES = eligibilityCheckStatusValues;
export const SOLVERS = matchingRequestSolverValues;

// The document's order is indoor, outdoor, either; the form offers "either" first.
export const SETTINGS = every<(typeof needsSettingValues)[number]>()(['either', 'indoor', 'outdoor']);

// Nullable enums in the document (null: unknown).
export const BUILDING_TYPES = every<BuildingType>()(['residential', 'commercial', 'industrial', 'historical', 'public', 'mixed']);
export const CONDITIONS = every<Condition>()(['good', 'needs_repair', 'poor', 'ruin']);
export const VACANCIES = every<Vacancy>()(['complete', 'partial']);

// The keys of a space's utilities.
export const UTILITIES = every<Utility>()(['water', 'electricity', 'heating', 'internet']);

// Free strings in the document: the kinds of record the audit log filters by, and the reason
// codes of the eligibility rules that an officer may give ("document_missing:<name>" names
// the document).
export const AUDIT_ENTITIES = ['space', 'organisation', 'workspace', 'membership'] as const;
export const ELIGIBILITY_REASONS = ['organisation_type', 'duration_too_short', 'duration_too_long', 'period_outside_call', 'no_ranked_space', 'other'] as const;
