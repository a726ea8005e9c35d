/**
 * The bench's load client, a child process of `bench/run.ts`: runs one workload at a time
 * against the socket it is given, with raw frames (the same bytes for both servers), and
 * reports the figures. Started by the parent only (it needs the fork IPC channel).
 */
import { serveParent, tellParent } from '../child/child-messages';
import { runConcurrent } from './concurrent.workload';
import { runFanOut } from './fan-out.workload';
import { runSequential } from './sequential.workload';
import { runStream } from './stream.workload';
import { runNestTcpConcurrent } from '../nestjs/nest-tcp.workload';

/** What `run` asks of the load client: a workload, the server's socket, and its parameters. */
export interface LoadTask<P> {
  readonly socketPath: string;
  readonly params: P;
}

const WORKLOADS: Record<
  string,
  (socketPath: string, params: any, progress: (text: string) => void) => Promise<unknown>
> = {
  sequential: runSequential,
  concurrent: runConcurrent,
  stream: runStream,
  'fan-out': runFanOut,
  'nest-tcp-concurrent': runNestTcpConcurrent, // socketPath is the Nest TCP server's host:port
};

serveParent((task, params, progress) => {
  const workload = WORKLOADS[task];
  if (!workload)
    return Promise.reject(new Error(`unknown workload '${task}' (known: ${Object.keys(WORKLOADS).join(', ')})`));
  const { socketPath, params: workloadParams } = params as LoadTask<unknown>;
  return workload(socketPath, workloadParams, progress);
});
tellParent({ kind: 'ready' });
