import { defaultSocketPath } from '../../../lib/ipc/config';

describe('defaultSocketPath (docs/protocol.md §5.6)', () => {
  it('is $XDG_RUNTIME_DIR/acton/<app>/ipc.sock', () => {
    expect(defaultSocketPath('pricing', { XDG_RUNTIME_DIR: '/run/user/1000' })).toBe(
      '/run/user/1000/acton/pricing/ipc.sock',
    );
  });

  it('uses /tmp when XDG_RUNTIME_DIR is unset or empty', () => {
    expect(defaultSocketPath('pricing', {})).toBe('/tmp/acton/pricing/ipc.sock');
    expect(defaultSocketPath('pricing', { XDG_RUNTIME_DIR: '' })).toBe('/tmp/acton/pricing/ipc.sock');
  });
});
