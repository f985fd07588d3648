// Classic OAuth scopes a token may carry: GitHub's documented list ("Scopes for OAuth apps") with
// GHES's site_admin and Hookline's own admin:hookline. Anything else is refused when a token is made,
// so a typo cannot produce a token that silently lacks the access it was meant to have.

export const OAUTH_SCOPES: ReadonlySet<string> = new Set([
  'repo', 'repo:status', 'repo_deployment', 'public_repo', 'repo:invite', 'security_events',
  'admin:repo_hook', 'write:repo_hook', 'read:repo_hook',
  'admin:org', 'write:org', 'read:org', 'admin:org_hook',
  'admin:public_key', 'write:public_key', 'read:public_key',
  'admin:gpg_key', 'write:gpg_key', 'read:gpg_key',
  'admin:ssh_signing_key', 'write:ssh_signing_key', 'read:ssh_signing_key',
  'gist', 'notifications', 'user', 'read:user', 'user:email', 'user:follow',
  'project', 'read:project', 'delete_repo', 'write:packages', 'read:packages', 'delete:packages',
  'codespace', 'workflow', 'write:discussion', 'read:discussion', 'copilot', 'manage_billing:copilot',
  'admin:enterprise', 'manage_runners:enterprise', 'manage_billing:enterprise', 'read:enterprise',
  'audit_log', 'read:audit_log', 'site_admin', 'admin:pre_receive_hook',
  'admin:hookline',
]);
