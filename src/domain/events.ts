// Event names a hook may subscribe to, per hook type, from GitHub's webhook description
// (x-github.supported-webhook-types, api.github.com). `*` subscribes to everything, now and later.

/** Events available to repository hooks. */
export const REPOSITORY_EVENTS: ReadonlySet<string> = new Set([
  'branch_protection_configuration', 'branch_protection_rule', 'check_run', 'check_suite', 'code_scanning_alert',
  'commit_comment', 'create', 'custom_property_values', 'delete', 'dependabot_alert', 'deploy_key', 'deployment',
  'deployment_status', 'discussion', 'discussion_comment', 'fork', 'gollum', 'issue_comment', 'issue_dependencies',
  'issues', 'label', 'member', 'meta', 'milestone', 'package', 'page_build', 'ping', 'project', 'project_card',
  'project_column', 'public', 'pull_request', 'pull_request_review', 'pull_request_review_comment',
  'pull_request_review_thread', 'push', 'registry_package', 'release', 'repository', 'repository_advisory',
  'repository_import', 'repository_ruleset', 'repository_vulnerability_alert', 'secret_scanning_alert',
  'secret_scanning_alert_location', 'secret_scanning_scan', 'security_and_analysis', 'star', 'status', 'sub_issues',
  'team_add', 'watch', 'workflow_job', 'workflow_run',
]);

/** Events available to organization hooks: the repository list plus organization-level events. */
export const ORGANIZATION_EVENTS: ReadonlySet<string> = new Set([
  ...REPOSITORY_EVENTS,
  'custom_property', 'membership', 'org_block', 'organization', 'personal_access_token_request', 'projects_v2',
  'projects_v2_item', 'projects_v2_status_update', 'team',
]);

export const WILDCARD = '*';

/** Canonical event list: deduplicated, sorted as GitHub returns it; `*` replaces everything else. */
export function normaliseEvents(events: Iterable<string>): string[] {
  const set = new Set(events);
  if (set.has(WILDCARD)) return [WILDCARD];
  return [...set].sort();
}

/** Whether a hook subscribed to `events` receives `event`. */
export function subscribes(events: readonly string[], event: string): boolean {
  return events.includes(WILDCARD) || events.includes(event);
}

/** Whether two subscriptions share at least one event (`*` overlaps with everything). */
export function overlaps(a: readonly string[], b: readonly string[]): boolean {
  if (a.includes(WILDCARD) || b.includes(WILDCARD)) return true;
  return a.some((e) => b.includes(e));
}

/**
 * Whether hooks installed on `ownerType` can receive `event` at all, whatever they subscribe to: a hook
 * receives an event it subscribes to (or `*`) only if this holds, so `*` on a repository hook does not
 * bring organization events.
 */
export function offers(ownerType: 'repository' | 'organization', event: string): boolean {
  return (ownerType === 'repository' ? REPOSITORY_EVENTS : ORGANIZATION_EVENTS).has(event);
}
