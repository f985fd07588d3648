// Which events a GitHub App's webhook receives: those it subscribed to, if its permissions allow them
// (GitHub's "Permissions required for GitHub Apps"; events not listed need only `metadata`, which every
// App has), plus the installation events that every App gets without subscribing.
import { ORGANIZATION_EVENTS, subscribes } from './events.js';

/** Delivered to every App, whatever it subscribed to; not listed in the App's `events`. */
export const ALWAYS_DELIVERED: ReadonlySet<string> = new Set(['installation', 'installation_repositories', 'github_app_authorization']);

/** Events never delivered to Apps (GitHub's x-github.supported-webhook-types). */
const NEVER_TO_APPS = new Set([
  'marketplace_purchase', 'projects_v2', 'projects_v2_item', 'projects_v2_status_update', 'repository_import',
  'repository_vulnerability_alert', 'sponsorship',
]);

/** Events an App may subscribe to. */
export const APP_EVENTS: ReadonlySet<string> = new Set([
  ...[...ORGANIZATION_EVENTS].filter((e) => !NEVER_TO_APPS.has(e) && e !== 'ping'),
  'deployment_protection_rule', 'deployment_review', 'repository_dispatch', 'workflow_dispatch',
]);

/** What an App's hook row lists: its subscriptions plus the events every App gets. */
export const APP_HOOK_EVENTS: ReadonlySet<string> = new Set([...APP_EVENTS, ...ALWAYS_DELIVERED]);

/** The permission an event needs (any of read/write). */
const EVENT_PERMISSION: Readonly<Record<string, string>> = {
  branch_protection_configuration: 'administration', branch_protection_rule: 'administration', check_run: 'checks',
  check_suite: 'checks', code_scanning_alert: 'security_events', commit_comment: 'contents', create: 'contents',
  custom_property: 'organization_custom_properties', custom_property_values: 'custom_properties', delete: 'contents',
  dependabot_alert: 'vulnerability_alerts', deploy_key: 'administration', deployment: 'deployments',
  deployment_protection_rule: 'deployments', deployment_review: 'deployments', deployment_status: 'deployments',
  discussion: 'discussions', discussion_comment: 'discussions', gollum: 'contents', issue_comment: 'issues',
  issue_dependencies: 'issues', issues: 'issues', member: 'members', membership: 'members', milestone: 'issues',
  org_block: 'organization_user_blocking', organization: 'members', package: 'packages', page_build: 'pages',
  personal_access_token_request: 'organization_personal_access_token_requests', project: 'repository_projects',
  project_card: 'repository_projects', project_column: 'repository_projects', pull_request: 'pull_requests',
  pull_request_review: 'pull_requests', pull_request_review_comment: 'pull_requests',
  pull_request_review_thread: 'pull_requests', push: 'contents', registry_package: 'packages', release: 'contents',
  repository_advisory: 'repository_advisories', repository_dispatch: 'contents', repository_ruleset: 'administration',
  secret_scanning_alert: 'secret_scanning_alerts', secret_scanning_alert_location: 'secret_scanning_alerts',
  secret_scanning_scan: 'secret_scanning_alerts', security_and_analysis: 'administration', status: 'statuses',
  sub_issues: 'issues', team: 'members', team_add: 'members', workflow_dispatch: 'actions', workflow_job: 'actions',
  workflow_run: 'actions',
};

/** The permission `event` needs, or null when `metadata` (always granted) is enough. */
export function permissionFor(event: string): string | null {
  return EVENT_PERMISSION[event] ?? null;
}

/** Whether an App with these subscriptions and permissions receives `event`. */
export function appReceives(app: { events: readonly string[]; permissions: Readonly<Record<string, string>> }, event: string): boolean {
  if (ALWAYS_DELIVERED.has(event)) return true;
  if (!APP_EVENTS.has(event) || !subscribes(app.events, event)) return false;
  const needed = permissionFor(event);
  return needed === null || app.permissions[needed] === 'read' || app.permissions[needed] === 'write';
}
