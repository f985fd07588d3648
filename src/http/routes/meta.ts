// The API root (GET /api/v3/, which `gh auth status` reads for X-OAuth-Scopes) and the one GraphQL
// query `gh` needs to learn who it is (`viewer { login }`); any other GraphQL is answered with an error.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { selfUrl } from '../pagination.js';
import type { RouteDeps } from '../route-deps.js';

/** `query UserCurrent{viewer{login}}` and its spellings: optional operation name, any whitespace. */
const VIEWER_LOGIN = /^\s*(?:query\s*(?:[_A-Za-z][_0-9A-Za-z]*)?\s*)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/;

/** GitHub's `root`: URL templates under the API base the client used. */
function rootShape(api: string, html: string) {
  const search = (kind: string) => `${api}/search/${kind}?q={query}{&page,per_page,sort,order}`;
  return {
    current_user_url: `${api}/user`,
    current_user_authorizations_html_url: `${html}/settings/connections/applications{/client_id}`,
    authorizations_url: `${api}/authorizations`,
    code_search_url: search('code'),
    commit_search_url: search('commits'),
    emails_url: `${api}/user/emails`,
    emojis_url: `${api}/emojis`,
    events_url: `${api}/events`,
    feeds_url: `${api}/feeds`,
    followers_url: `${api}/user/followers`,
    following_url: `${api}/user/following{/target}`,
    gists_url: `${api}/gists{/gist_id}`,
    issue_search_url: search('issues'),
    issues_url: `${api}/issues`,
    keys_url: `${api}/user/keys`,
    label_search_url: `${api}/search/labels?q={query}&repository_id={repository_id}{&page,per_page}`,
    notifications_url: `${api}/notifications`,
    organization_url: `${api}/orgs/{org}`,
    organization_repositories_url: `${api}/orgs/{org}/repos{?type,page,per_page,sort}`,
    organization_teams_url: `${api}/orgs/{org}/teams`,
    public_gists_url: `${api}/gists/public`,
    rate_limit_url: `${api}/rate_limit`,
    repository_url: `${api}/repos/{owner}/{repo}`,
    repository_search_url: search('repositories'),
    current_user_repositories_url: `${api}/user/repos{?type,page,per_page,sort}`,
    starred_url: `${api}/user/starred{/owner}{/repo}`,
    starred_gists_url: `${api}/gists/starred`,
    user_url: `${api}/users/{user}`,
    user_organizations_url: `${api}/user/orgs`,
    user_repositories_url: `${api}/users/{user}/repos{?type,page,per_page,sort}`,
    user_search_url: search('users'),
  };
}

export function registerMetaRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { access } = deps.services;
  if (app.prefix === '/api/v3') {
    // Public as on GitHub; a token, when sent, is checked and its scopes are reported.
    app.get('/', { config: { public: true, docs: 'meta/meta#github-api-root' } }, async (request: FastifyRequest, reply) => {
      if (request.headers.authorization) {
        const principal = await access.authenticate(request.headers.authorization);
        void reply.header('X-OAuth-Scopes', principal.scopes.join(', '));
      }
      return rootShape(selfUrl(request, deps.urls.api, {}).replace(/\/+$/, ''), deps.urls.html);
    });
    return;
  }
  // GHES serves GraphQL at /api/graphql, beside (not under) /api/v3.
  app.post('/api/graphql', { config: { docs: 'graphql' } }, async (request) => {
    const query = (request.body as { query?: unknown } | undefined)?.query;
    if (typeof query === 'string' && VIEWER_LOGIN.test(query)) return { data: { viewer: { login: request.principal.user.login } } };
    return {
      errors: [{ type: 'NOT_SUPPORTED', message: 'Hookline answers only the GraphQL query `{ viewer { login } }`; use the REST API.' }],
    };
  });
}
