// GitHub's `hook-delivery-item` and `hook-delivery` shapes, and the repository object payloads carry.
import type { Repository } from '../domain/model.js';
import type { DeliveryDetail, DeliverySummary } from '../storage/delivery-store.js';
import { repositoryShape, type Urls } from './shapes.js';

export function deliveryItemShape(d: DeliverySummary) {
  return {
    id: d.id,
    guid: d.guid,
    delivered_at: d.deliveredAt,
    redelivery: d.redelivery,
    duration: d.duration,
    status: d.status,
    status_code: d.statusCode,
    event: d.event,
    action: d.action,
    installation_id: null,
    repository_id: d.repositoryId,
    throttled_at: null,
    url: d.url,
    // Hookline's own (GitHub clients ignore unknown fields): which attempt this was, and when the
    // automatic attempt it scheduled is due.
    attempt: d.attempt,
    next_attempt_at: d.nextAttemptAt,
  };
}

/** The full delivery: the request payload as parsed JSON, the response payload as a string. */
export function deliveryShape(d: DeliveryDetail) {
  return {
    ...deliveryItemShape(d),
    request: { headers: d.requestHeaders, payload: JSON.parse(d.payload) as Record<string, unknown> },
    response: { headers: d.responseHeaders, payload: d.responseBody },
  };
}

/**
 * GitHub's `repository-webhooks`: the full repository object webhook payloads carry (the API's
 * repository essentials plus every URL template, counter and flag that schema requires).
 */
export function repositoryWebhookShape(r: Repository, u: Urls) {
  const base = repositoryShape(r, u);
  const api = base.url;
  const html = base.html_url;
  return {
    ...base,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    teams_url: `${api}/teams`,
    issue_events_url: `${api}/issues/events{/number}`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    ssh_url: `git@${new URL(u.html).host}:${base.full_name}.git`,
    svn_url: html,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: 0,
    license: null,
    allow_forking: true,
    is_template: false,
    topics: [] as string[],
    forks: 0,
    open_issues: 0,
    watchers: 0,
  };
}
