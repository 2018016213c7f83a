/** Reads what helpers/docker-recorder.sh wrote: one call per line, args split on \x1f, stdin after \x1e. */
import { existsSync, readFileSync } from 'node:fs';

export interface DockerCall {
  args: string[];
  stdin: string;
}

export function readDockerCalls(record: string): DockerCall[] {
  if (!existsSync(record)) return [];
  return readFileSync(record, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [args = '', stdin = ''] = line.split('\x1e');
      return { args: args.split('\x1f'), stdin };
    });
}
