import type { IpcConfig } from './ipc-config';

/**
 * One line for the listener's start log: socket path, mode and app name, the limits, rate
 * limit, timeouts and compat switches, e.g.
 * `socket /run/user/1000/acton/pricing/ipc.sock (mode 0o660, app pricing); limits: 1024 connections, ...`.
 * Keys are shown in `ipc.toml` terms so they can be looked up in the configuration docs.
 */
export function describeIpcConfig(config: IpcConfig): string {
  const { socket, limits, rateLimit, timeouts, shutdown, compat } = config;
  const rate = rateLimit.enabled ? `${rateLimit.requestsPerSecond}/s per connection, burst ${rateLimit.burstSize}` : 'off';
  return [
    `socket ${socket.path} (mode 0o${socket.mode.toString(8).padStart(3, '0')}, app ${socket.appName})`,
    `limits: max_connections=${limits.maxConnections}, max_message_size=${limits.maxMessageSize} bytes, push_buffer_size=${limits.pushBufferSize}`,
    `rate limit: ${rate}`,
    `timeouts: read=${ms(timeouts.readTimeoutMs)}, subscription_read=${ms(timeouts.subscriptionReadTimeoutMs)}, write=${ms(timeouts.writeTimeoutMs)}, drain=${shutdown.drainTimeoutMs} ms`,
    `compat: serial=${compat.serial}, handler_errors=${compat.handlerErrors}`,
  ].join('; ');
}

function ms(value: number): string {
  return value === 0 ? 'none' : `${value} ms`;
}
