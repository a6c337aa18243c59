// The API's types as the interface names them: aliases of the schemas of the OpenAPI document
// (src/generated/openapi.ts, generated at build time). Only where the document leaves an
// object open (`type: object` without properties) does the interface say what it reads there.

import type { components } from '../generated/openapi';

type Schemas = components['schemas'];

export type Workspace = Schemas['Workspace'];
export type Geometry = Schemas['Geometry'];
export type Space = Schemas['Space'];
export type SpaceList = Schemas['SpaceList'];
export type SpaceCreate = Schemas['SpaceCreate'];
export type SpaceFields = Schemas['SpaceFields'];
export type SpaceKind = Schemas['SpaceKind'];
export type SpaceStatus = Schemas['SpaceStatus'];
export type OwnerType = Schemas['OwnerType'];
export type BuildingType = NonNullable<Schemas['BuildingType']>;
export type Condition = NonNullable<Schemas['Condition']>;
export type Vacancy = NonNullable<Schemas['Vacancy']>;
export type Utility = keyof NonNullable<Schemas['SpaceFields']['utilities']>;
export type StatusChange = Schemas['StatusChange'];
export type ImportFormat = Schemas['ImportFormat'];
export type ImportReport = Schemas['ImportReport'];
export type ImportRow = Schemas['ImportRow'];
export type Job = Schemas['Job'];
export type JobStatus = Schemas['JobStatus'];
export type ExtractList = Schemas['ExtractList'];
export type AuditEntry = Schemas['AuditEntry'];
export type Account = Schemas['Account'];
export type Role = Schemas['Role'];
export type ApiToken = Schemas['ApiToken'];
export type EndedAccess = Schemas['EndedAccess'];
export type FollowedReport = Schemas['FollowedReport'];
export type Report = Schemas['Report'];
export type ReportInput = Schemas['ReportInput'];
export type VacantFor = Schemas['VacantFor'];
export type OrganisationRef = Schemas['OrganisationRef'];
export type OrganisationType = Schemas['OrganisationType'];
export type Member = Schemas['Member'];
export type Call = Schemas['Call'];
export type CallInput = Schemas['CallInput'];
export type CallPatch = Schemas['CallPatch'];
export type CallState = Schemas['CallState'];
export type CallTransition = Schemas['CallTransition'];
export type Criterion = Schemas['Criterion'];
export type MatchingAdjustment = Schemas['MatchingAdjustment'];
export type MatchingSettings = Schemas['MatchingSettings'];
export type FeeModel = Schemas['FeeModel'];
export type ProjectCategory = Schemas['ProjectCategory'];
export type Setting = NonNullable<Schemas['Needs']['setting']>;
export type Application = Schemas['Application'];
export type ApplicationInput = Schemas['ApplicationInput'];
export type ApplicationPatch = Schemas['ApplicationPatch'];
export type Attachment = Schemas['Attachment'];
export type EligibilityInput = Schemas['EligibilityInput'];
export type Evaluation = Schemas['Evaluation'];
export type EvaluationQueue = Schemas['EvaluationQueue'];
export type MatchingProposal = Schemas['MatchingProposal'];
export type MatchingExplanation = MatchingProposal['explanations'][number];
export type MatchingAssignment = MatchingProposal['assignments'][number];
export type Solver = NonNullable<Schemas['MatchingRequest']['solver']>;
export type Decision = Schemas['Decision'];
export type Ranking = Schemas['Ranking'];

// -- What the interface reads where the document leaves the object open.

// A discovery job's parameters (Job.params).
export interface JobParams {
  file_name?: string;
  source?: string;
  path?: string;
  size?: number;
  dry_run?: boolean;
}

// A space a call offers (Call.offered_spaces): the public view of the space with the call's
// period and capacity.
export type OfferedSpace = Space & { call: { available_from: string; available_to: string; capacity: number } };

// An application that took a space's capacity (MatchingProposal explanations' taken_by).
export interface TakenBy {
  request: number;
  title?: string;
  score: number;
  contribution: number;
  start: string;
  end: string;
}

// A decision's explanation (Decision.explanation): the matching's explanation of the
// application, or the verdict that kept it out of the matching.
export type DecisionExplanation = Partial<MatchingExplanation> & {
  reason?: 'ineligible' | 'not_shortlisted';
  codes?: string[];
  note?: string;
};
