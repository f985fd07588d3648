// Deterministic webhook payloads and the GitHub delivery headers, shared by every system under test so
// Hookline, raw undici and BullMQ send exactly the same bytes, signed the same way.
import { createHash, createHmac } from 'node:crypto';

/** The `User-Agent` every system sends (the value does not matter, its length does a little). */
export const BENCH_USER_AGENT = 'GitHub-Hookshot/bench00';

const sha = (seed: string) => createHash('sha1').update(seed).digest('hex');

/** A GitHub-like repository object (~2.5 KB), as Hookline would fill it in. */
function repository(owner: string, name: string) {
  const api = `http://127.0.0.1/api/v3/repos/${owner}/${name}`;
  const fields: Record<string, unknown> = {
    id: 4242, node_id: 'MDEwOlJlcG9zaXRvcnk0MjQy', name, full_name: `${owner}/${name}`, private: false,
    owner: sender(owner), html_url: `http://127.0.0.1/${owner}/${name}`, description: 'Benchmark repository', fork: false, url: api,
  };
  for (const k of ['forks', 'keys', 'collaborators', 'teams', 'hooks', 'issue_events', 'events', 'assignees', 'branches', 'tags',
    'blobs', 'git_tags', 'git_refs', 'trees', 'statuses', 'languages', 'stargazers', 'contributors', 'subscribers',
    'subscription', 'commits', 'git_commits', 'comments', 'issue_comment', 'contents', 'compare', 'merges', 'archive',
    'downloads', 'issues', 'pulls', 'milestones', 'notifications', 'labels', 'releases', 'deployments']) {
    fields[`${k}_url`] = `${api}/${k}`;
  }
  Object.assign(fields, {
    created_at: 1767323045, updated_at: '2026-01-02T03:04:05Z', pushed_at: 1767323045, git_url: `git://127.0.0.1/${owner}/${name}.git`,
    ssh_url: `git@127.0.0.1:${owner}/${name}.git`, clone_url: `http://127.0.0.1/${owner}/${name}.git`, homepage: null, size: 0,
    stargazers_count: 0, watchers_count: 0, language: 'TypeScript', has_issues: true, has_projects: true, has_downloads: true,
    has_wiki: true, has_pages: false, forks_count: 0, archived: false, disabled: false, open_issues_count: 0, license: null,
    topics: [], visibility: 'public', forks: 0, open_issues: 0, watchers: 0, default_branch: 'main', master_branch: 'main',
  });
  return fields;
}

function sender(login: string) {
  const api = `http://127.0.0.1/api/v3/users/${login}`;
  return {
    login, id: 17, node_id: 'MDQ6VXNlcjE3', avatar_url: `http://127.0.0.1/avatars/${login}`, gravatar_id: '', url: api,
    html_url: `http://127.0.0.1/${login}`, followers_url: `${api}/followers`, following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`, starred_url: `${api}/starred{/owner}{/repo}`, subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`, repos_url: `${api}/repos`, events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`, type: 'User', user_view_type: 'public', site_admin: false,
  };
}

/** The n-th `push` payload (~5 KB): three commits plus repository, pusher and sender, so Hookline fills nothing in. */
export function pushPayload(n: number, owner = 'bench', name = 'r0'): Record<string, unknown> {
  const before = sha(`before-${n}`);
  const commits = [0, 1, 2].map((c) => {
    const id = sha(`commit-${n}-${c}`);
    return {
      id, tree_id: sha(`tree-${n}-${c}`), distinct: true, message: `Change ${n}.${c}: adjust the delivery benchmark`,
      timestamp: '2026-01-02T03:04:05Z', url: `http://127.0.0.1/${owner}/${name}/commit/${id}`,
      author: { name: 'Bench Mark', email: 'bench@example.com', username: owner },
      committer: { name: 'Bench Mark', email: 'bench@example.com', username: owner },
      added: [`src/file-${n}-${c}.ts`], removed: [], modified: ['README.md', 'src/index.ts'],
    };
  });
  const after = commits[2].id;
  return {
    ref: 'refs/heads/main', before, after, repository: repository(owner, name),
    pusher: { name: owner, email: 'bench@example.com' }, sender: sender(owner), created: false, deleted: false, forced: false,
    base_ref: null, compare: `http://127.0.0.1/${owner}/${name}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits, head_commit: commits[2],
  };
}

/** A hook of the benchmark: where it points and its secret. */
export interface BenchHook {
  id: number;
  url: string;
  secret: string;
}

/** The headers GitHub (and Hookline) send with one delivery, signatures over `body` included. */
export function deliveryHeaders(hook: BenchHook, guid: string, event: string, body: Buffer, targetId = 4242): Record<string, string> {
  return {
    Accept: '*/*',
    'Content-Type': 'application/json',
    'User-Agent': BENCH_USER_AGENT,
    'X-GitHub-Delivery': guid,
    'X-GitHub-Event': event,
    'X-GitHub-Hook-ID': String(hook.id),
    'X-GitHub-Hook-Installation-Target-ID': String(targetId),
    'X-GitHub-Hook-Installation-Target-Type': 'repository',
    'X-Hub-Signature': `sha1=${createHmac('sha1', hook.secret).update(body).digest('hex')}`,
    'X-Hub-Signature-256': `sha256=${createHmac('sha256', hook.secret).update(body).digest('hex')}`,
  };
}

/** The secret of the i-th benchmark hook. */
export const hookSecret = (i: number) => `bench-secret-${i}-0123456789abcdef`;
