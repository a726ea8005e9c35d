import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReadme } from '../support/readme-snippets';

const ROOT = join(__dirname, '..', '..');

describe('README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('starts with the two commands for a fresh machine: install + sample, install + every test', () => {
    const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toMatch(/^npm ci && npm run sample\b/m);
    expect(firstBlock).toMatch(/^npm ci && npm test\b/m);
  });

  it('runs the same test command as CI', () => {
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/^npm ci && npm test$/m);
  });

  it('shows the sample code exactly as it is in sample/ (regenerate with: npx ts-node test/support/readme-snippets.ts)', () => {
    expect(readme).toContain('<!-- include: sample/');
    expect(readme).toBe(renderReadme(ROOT, readme));
  });
});
