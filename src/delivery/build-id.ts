// The short hex build id in `User-Agent: GitHub-Hookshot/<id>`, derived from the package version so it
// changes with each release, as GitHub's does with each deploy.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

export const BUILD_ID = createHash('sha1').update(`hookline@${packageVersion()}`).digest('hex').slice(0, 7);
export const USER_AGENT = `GitHub-Hookshot/${BUILD_ID}`;
